import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../src";
import { createLogger } from "../src/logger";
import { enqueueDuePosts } from "../src/publishing/claim-due-posts";
import type { PublishMessage } from "../src/publishing/messages";
import { createStandin, type Standin } from "../standin/src/handler";
import { api, connectAccounts, createWorkspace, json, type Workspace } from "./helpers/fixtures";

// Unit style for the cron (a recording queue, a chosen `now`) and the consumer (the Worker's
// own queue handler with crafted batches); the platforms are the stand-in behind fetch.

type SentMessage = { body: PublishMessage; delaySeconds?: number };

function recordingQueue() {
  const sent: SentMessage[] = [];
  const queue = {
    send: async () => {},
    sendBatch: async (messages: Iterable<SentMessage>) => {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  } as unknown as Queue<PublishMessage>;
  return { queue, sent };
}

const logger = createLogger({ test: "publishing" });
const image = [{ url: "https://cdn.example.test/launch.jpg", type: "image" as const }];

let standin: Standin;

beforeEach(() => {
  standin = createStandin();
  vi.stubGlobal("fetch", standin.fetch);
});

async function scheduleContent(
  ws: Workspace,
  platforms: string[],
  scheduledAt: string,
  extra: Record<string, unknown> = {},
) {
  const res = await api("/content", {
    method: "POST",
    token: ws.token,
    body: { title: "Launch day", description: "We are live", platforms, media: image, ...extra },
  });
  expect(res.status).toBe(201);
  const { id } = await json<{ id: string }>(res);
  const scheduled = await api("/schedule", {
    method: "POST",
    token: ws.token,
    body: { content_id: id, platforms, scheduled_at: scheduledAt },
  });
  expect(scheduled.status).toBe(201);
  const body = await json<{ posts: { id: string; platform: string }[] }>(scheduled);
  return { contentId: id, posts: body.posts };
}

async function post(id: string) {
  return env.DB.prepare("SELECT * FROM scheduled_posts WHERE id = ?").bind(id).first<{
    status: string;
    attempts: number;
    last_error: string | null;
    external_id: string | null;
    external_url: string | null;
    scheduled_at: number;
  }>();
}

async function queuePosts(ids: string[]) {
  for (const id of ids) {
    await env.DB.prepare(
      "UPDATE scheduled_posts SET status = 'queued', lease_until = ? WHERE id = ?",
    )
      .bind(Date.now() + 300_000, id)
      .run();
  }
}

async function deliver(ws: Workspace, postIds: string[], attempts = 1, queue = "publish") {
  const batch = createMessageBatch<PublishMessage>(
    queue,
    postIds.map((id, i) => ({
      id: `msg-${id}-${attempts}-${i}`,
      timestamp: new Date(),
      attempts,
      body: { post_id: id, workspace_id: ws.workspaceId },
    })),
  );
  // getQueueResult does not report retry delays, so the consumer's choice is recorded here.
  const delays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      delays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await (worker.queue as ExportedHandlerQueueHandler<Cloudflare.Env>)(batch, env, ctx);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

const tweets = () =>
  standin.requests.filter((r) => r.method === "POST" && r.path === "/x/2/tweets");

describe("cron claim", () => {
  it("queues a post due at second 37 with the delay that lands it on that second", async () => {
    const ws = await createWorkspace();
    const minute = Math.ceil((Date.now() + 120_000) / 60_000) * 60_000;
    const due = new Date(minute + 37_000).toISOString();
    const { posts } = await scheduleContent(ws, ["twitter"], due);

    const { queue, sent } = recordingQueue();
    const report = await enqueueDuePosts(env.DB, queue, logger, minute);

    const mine = sent.filter((m) => m.body.post_id === posts[0]?.id);
    expect(mine).toEqual([
      { body: { post_id: posts[0]?.id, workspace_id: ws.workspaceId }, delaySeconds: 37 },
    ]);
    expect(report.claimed).toBeGreaterThanOrEqual(1);
    expect((await post(posts[0]?.id as string))?.status).toBe("queued");
  });

  it("claims each post once when two cron runs overlap", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter", "linkedin", "webhook"], inSeconds(90));
    const ids = new Set(posts.map((p) => p.id));

    // Both runs at the minute the posts fall within.
    const at = Date.now() + 60_000;
    const first = recordingQueue();
    const second = recordingQueue();
    await Promise.all([
      enqueueDuePosts(env.DB, first.queue, logger, at),
      enqueueDuePosts(env.DB, second.queue, logger, at),
    ]);

    const sent = [...first.sent, ...second.sent].filter((m) => ids.has(m.body.post_id));
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((m) => m.body.post_id))).toEqual(ids);
  });

  it("sends every post missed by three earlier runs once, with no delay", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(600));
    const template = posts[0]?.id as string;
    const missed = [3, 2, 1].map((m) => `${template}_m${m}`);
    for (const [i, id] of missed.entries()) {
      // Copies of a real post, moved into the past: the API refuses to schedule there.
      await env.DB.prepare(
        `INSERT INTO scheduled_posts (id, schedule_id, workspace_id, content_id, platform,
           account_id, scheduled_at, status, attempts, created_at, updated_at)
         SELECT ?, schedule_id, workspace_id, content_id, platform, account_id, ?, 'pending', 0,
           created_at, updated_at FROM scheduled_posts WHERE id = ?`,
      )
        .bind(id, Date.now() - (3 - i) * 60_000, template)
        .run();
    }

    const run = recordingQueue();
    await enqueueDuePosts(env.DB, run.queue, logger);
    const again = recordingQueue();
    await enqueueDuePosts(env.DB, again.queue, logger);

    const sent = run.sent.filter((m) => missed.includes(m.body.post_id));
    expect(sent.map((m) => m.body.post_id).sort()).toEqual([...missed].sort());
    expect(sent.every((m) => m.delaySeconds === 0)).toBe(true);
    expect(again.sent.filter((m) => missed.includes(m.body.post_id))).toEqual([]);
  });

  it("hands posts back to pending when the queue refuses them twice", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(90));
    const id = posts[0]?.id as string;
    const at = Date.now() + 60_000;
    let calls = 0;
    const broken = {
      sendBatch: async () => {
        calls += 1;
        throw new Error("queue unavailable");
      },
    } as unknown as Queue<PublishMessage>;

    const report = await enqueueDuePosts(env.DB, broken, logger, at);

    expect(calls).toBeGreaterThanOrEqual(2);
    expect(report.released).toBeGreaterThanOrEqual(1);
    expect((await post(id))?.status).toBe("pending");
    const next = recordingQueue();
    await enqueueDuePosts(env.DB, next.queue, logger, at);
    expect(next.sent.some((m) => m.body.post_id === id)).toBe(true);
  });

  it("queues a post due before the next cron run at once, when it is scheduled", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(20));
    const id = posts[0]?.id as string;

    const stored = await post(id);
    expect(stored?.status === "queued" || stored?.status === "published").toBe(true);
    // Nothing left for a cron run to send.
    const { queue, sent } = recordingQueue();
    await enqueueDuePosts(env.DB, queue, logger);
    expect(sent.some((m) => m.body.post_id === id)).toBe(false);
  });

  it("takes again a post whose publishing lease ran out", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(5));
    const id = posts[0]?.id as string;
    await env.DB.prepare(
      "UPDATE scheduled_posts SET status = 'publishing', lease_until = ? WHERE id = ?",
    )
      .bind(Date.now() - 1000, id)
      .run();

    const { queue, sent } = recordingQueue();
    await enqueueDuePosts(env.DB, queue, logger);
    expect(sent.some((m) => m.body.post_id === id)).toBe(true);
  });

  it("queues a post scheduled with +02:00 for its UTC instant", async () => {
    const ws = await createWorkspace();
    const utc = Math.ceil((Date.now() + 3_600_000) / 1000) * 1000;
    const local = new Date(utc + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+02:00");
    const { posts } = await scheduleContent(ws, ["twitter"], local);
    const id = posts[0]?.id as string;
    expect((await post(id))?.scheduled_at).toBe(utc);

    const { queue, sent } = recordingQueue();
    await enqueueDuePosts(env.DB, queue, logger, utc - 10_000);
    expect(sent.find((m) => m.body.post_id === id)?.delaySeconds).toBe(10);
  });
});

describe("publish consumer", () => {
  it("publishes once when the same message arrives twice, keeping X's id exact", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(120));
    const id = posts[0]?.id as string;
    await queuePosts([id]);

    const [a, b] = await Promise.all([deliver(ws, [id]), deliver(ws, [id])]);
    await deliver(ws, [id]);

    expect(tweets()).toHaveLength(1);
    expect(JSON.parse(tweets()[0]?.body ?? "{}")).toEqual({ text: "Launch day\n\nWe are live" });
    expect(tweets()[0]?.headers.authorization).toBe("Bearer x-token");
    expect(a.retryMessages).toEqual([]);
    expect(b.retryMessages).toEqual([]);
    const stored = await post(id);
    expect(stored?.status).toBe("published");
    expect(stored?.external_id).toBe("1790000000000000001");
    expect(stored?.external_url).toBe("https://x.com/i/web/status/1790000000000000001");
  });

  it("retries a 503, honouring Retry-After, and publishes on the second attempt", async () => {
    const ws = await createWorkspace();
    const { posts, contentId } = await scheduleContent(ws, ["twitter"], inSeconds(120));
    const id = posts[0]?.id as string;
    await queuePosts([id]);
    standin.failNext("POST /x/2/tweets", 503, 1, { "Retry-After": "7" });

    const first = await deliver(ws, [id], 1);
    expect(first.retryMessages).toHaveLength(1);
    expect(first.delays).toEqual([7]);
    expect((await post(id))?.status).toBe("queued");
    expect((await post(id))?.last_error).toMatch(/503|unavailable/i);

    const second = await deliver(ws, [id], 2);
    expect(second.explicitAcks).toHaveLength(1);
    const detail = await json<Record<string, unknown>>(
      await api(`/schedule/${id}`, { token: ws.token }),
    );
    expect(detail).toMatchObject({ status: "published", attempts: 2, last_error: null });
    expect(detail.external_id).toMatch(/^\d+$/);

    const content = await json(await api(`/content/${contentId}`, { token: ws.token }));
    expect(content.status).toBe("published");
    expect(content.published_at).toEqual(expect.any(String));
  });

  it("fails a 401 with a token reason, flags the account and still publishes the rest", async () => {
    const ws = await createWorkspace();
    const { posts, contentId } = await scheduleContent(ws, ["twitter", "linkedin"], inSeconds(90));
    const ids = posts.map((p) => p.id);
    await queuePosts(ids);
    standin.failNext(
      "POST /x/2/tweets",
      401,
      1,
      { "Content-Type": "application/json" },
      JSON.stringify({ title: "Unauthorized", detail: "Unauthorized", status: 401 }),
    );

    const result = await deliver(ws, ids);
    expect(result.retryMessages).toEqual([]);

    const twitter = posts.find((p) => p.platform === "twitter")?.id as string;
    const linkedin = posts.find((p) => p.platform === "linkedin")?.id as string;
    expect((await post(twitter))?.status).toBe("failed");
    expect((await post(twitter))?.last_error).toMatch(/unauthori[sz]ed|token/i);
    expect((await post(linkedin))?.status).toBe("published");
    expect((await post(linkedin))?.external_id).toMatch(/^urn:li:share:/);

    const accounts = await json<{ accounts: { platform: string; status: string }[] }>(
      await api("/accounts", { token: ws.token }),
    );
    expect(accounts.accounts.find((a) => a.platform === "twitter")?.status).toBe("needs_reauth");
    expect(accounts.accounts.find((a) => a.platform === "linkedin")?.status).toBe("active");
    // A partial failure: nothing is still in flight and one platform refused.
    const content = await json(await api(`/content/${contentId}`, { token: ws.token }));
    expect(content.status).toBe("failed");
  });

  it("marks a post failed with the platform's reason on its last attempt", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(90));
    const id = posts[0]?.id as string;
    await queuePosts([id]);
    standin.failNext("POST /x/2/tweets", 503, 10);

    for (let attempt = 1; attempt <= 5; attempt++) {
      const r = await deliver(ws, [id], attempt);
      expect(r.retryMessages).toHaveLength(1);
    }
    const last = await deliver(ws, [id], 6);
    expect(last.retryMessages).toEqual([]);
    expect((await post(id))?.status).toBe("failed");
    expect((await post(id))?.attempts).toBe(6);
  });

  it("lets the dead-letter consumer fail a post whose attempts ran out", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["webhook"], inSeconds(90));
    const id = posts[0]?.id as string;
    await queuePosts([id]);
    standin.failNext("POST /webhook/", 500, 10);
    await deliver(ws, [id], 1);
    await env.DB.prepare("UPDATE scheduled_posts SET attempts = 6 WHERE id = ?").bind(id).run();

    const dead = await deliver(ws, [id], 1, "publish-dlq");
    expect(dead.explicitAcks).toHaveLength(1);
    const stored = await post(id);
    expect(stored?.status).toBe("failed");
    expect(stored?.last_error).toMatch(/^Gave up after repeated failures: webhook/);
  });

  it("hands a post that never reached its platform back to the cron", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["webhook"], inSeconds(90));
    const id = posts[0]?.id as string;
    // As if every delivery had failed on our side (D1 down) before the post was claimed.
    await queuePosts([id]);

    await deliver(ws, [id], 6, "publish-dlq");

    expect((await post(id))?.status).toBe("pending");
    expect(standin.requests).toEqual([]);
  });

  it("fails a post whose credentials cannot be opened instead of retrying for ever", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(90));
    const id = posts[0]?.id as string;
    await queuePosts([id]);
    // As if the key that sealed them had been dropped from CREDENTIAL_KEYS.
    await env.DB.prepare(
      "UPDATE accounts SET credentials_key_id = 'retired' WHERE workspace_id = ?",
    )
      .bind(ws.workspaceId)
      .run();

    const result = await deliver(ws, [id]);

    expect(result.retryMessages).toEqual([]);
    expect(standin.requests).toEqual([]);
    expect((await post(id))?.status).toBe("failed");
    expect((await post(id))?.last_error).toMatch(/credentials/);
  });

  it("counts attempts in the database, so messages sent again still reach the cap", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(90));
    const id = posts[0]?.id as string;
    await queuePosts([id]);
    await env.DB.prepare("UPDATE scheduled_posts SET attempts = 5 WHERE id = ?").bind(id).run();
    standin.failNext("POST /x/2/tweets", 503, 1);

    // A fresh message (first delivery) for a post that has been tried five times before.
    const result = await deliver(ws, [id], 1);

    expect(result.retryMessages).toEqual([]);
    expect((await post(id))?.status).toBe("failed");
    expect((await post(id))?.attempts).toBe(6);
  });

  it("never sends a cancelled post", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(90));
    const id = posts[0]?.id as string;
    await queuePosts([id]);

    const cancel = await api(`/schedule/${id}`, { method: "DELETE", token: ws.token });
    expect(cancel.status).toBe(200);
    expect((await json(cancel)).status).toBe("cancelled");

    const result = await deliver(ws, [id]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(standin.requests).toEqual([]);
    expect((await post(id))?.status).toBe("cancelled");
  });

  it("refuses to cancel a post that is already published", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["twitter"], inSeconds(90));
    const id = posts[0]?.id as string;
    await queuePosts([id]);
    await deliver(ws, [id]);

    const res = await api(`/schedule/${id}`, { method: "DELETE", token: ws.token });
    expect(res.status).toBe(409);
  });

  it("does not post twice on Instagram when the answer to publishing was lost", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["instagram"], inSeconds(90));
    const id = posts[0]?.id as string;
    await queuePosts([id]);
    // Instagram acts on media_publish, then the answer never reaches us.
    let lost = false;
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await standin.fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (!lost && url.includes("/media_publish")) {
        lost = true;
        throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      }
      return res;
    });

    const first = await deliver(ws, [id], 1);
    expect(first.retryMessages).toHaveLength(1);
    const second = await deliver(ws, [id], 2);
    expect(second.explicitAcks).toHaveLength(1);

    expect(standin.instagram.media).toHaveLength(1);
    const stored = await post(id);
    expect(stored?.status).toBe("published");
    expect(stored?.external_id).toBe(standin.instagram.media[0]?.id);
  });

  it("signs webhook deliveries with the same delivery id on every attempt", async () => {
    const ws = await createWorkspace();
    const { posts } = await scheduleContent(ws, ["webhook"], inSeconds(90));
    const id = posts[0]?.id as string;
    await queuePosts([id]);
    standin.failNext("POST /webhook/", 502, 1);

    await deliver(ws, [id], 1);
    await deliver(ws, [id], 2);

    const hooks = standin.requests.filter((r) => r.path.startsWith("/webhook/"));
    expect(hooks).toHaveLength(2);
    expect(hooks.map((h) => h.headers["webhook-id"])).toEqual([id, id]);
    expect(hooks[1]?.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect((await post(id))?.status).toBe("published");
  });
});

describe("content follows its posts", () => {
  it("retries only the platform that failed and ends published", async () => {
    const ws = await createWorkspace();
    const { posts, contentId } = await scheduleContent(ws, ["twitter", "linkedin"], inSeconds(90));
    await queuePosts(posts.map((p) => p.id));
    standin.failNext("POST /linkedin/rest/posts", 422, 1, {}, JSON.stringify({ message: "Nope" }));
    await deliver(
      ws,
      posts.map((p) => p.id),
    );
    expect((await json(await api(`/content/${contentId}`, { token: ws.token }))).status).toBe(
      "failed",
    );

    const again = await api(`/content/${contentId}/publish`, { method: "POST", token: ws.token });
    expect(again.status).toBe(202);
    const body = await json<{ posts: { id: string; platform: string }[] }>(again);
    expect(body.posts.map((p) => p.platform)).toEqual(["linkedin"]);
    await deliver(
      ws,
      body.posts.map((p) => p.id),
    );

    expect(tweets()).toHaveLength(1);
    const content = await json(await api(`/content/${contentId}`, { token: ws.token }));
    expect(content.status).toBe("published");
  });

  it("refuses to publish again where the content is already out", async () => {
    const ws = await createWorkspace();
    const created = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Once", platforms: ["twitter"] },
    });
    const { id } = await json<{ id: string }>(created);
    const first = await json<{ posts: { id: string }[] }>(
      await api(`/content/${id}/publish`, { method: "POST", token: ws.token }),
    );
    // The first publish is still in flight (queued, not yet delivered) when a second arrives.
    await env.DB.prepare("UPDATE scheduled_posts SET status = 'publishing' WHERE id = ?")
      .bind(first.posts[0]?.id)
      .run();

    const second = await api(`/content/${id}/publish`, { method: "POST", token: ws.token });
    expect(second.status).toBe(409);
  });

  it("goes back to draft when its only post is cancelled", async () => {
    const ws = await createWorkspace();
    const { posts, contentId } = await scheduleContent(ws, ["twitter"], inSeconds(300));

    await api(`/schedule/${posts[0]?.id}`, { method: "DELETE", token: ws.token });

    const content = await json(await api(`/content/${contentId}`, { token: ws.token }));
    expect(content.status).toBe("draft");
  });

  it("keeps the chosen account when scheduled content gets a new time", async () => {
    const ws = await createWorkspace();
    const [second] = await connectAccounts(ws, ["twitter"], { isDefault: false });
    const created = await api("/content", {
      method: "POST",
      token: ws.token,
      body: {
        title: "Through the second account",
        platforms: ["twitter"],
        account_ids: [second?.id],
        scheduled_at: inSeconds(600),
      },
    });
    const { id } = await json<{ id: string }>(created);

    await api(`/content/${id}`, {
      method: "PUT",
      token: ws.token,
      body: { scheduled_at: inSeconds(900) },
    });

    const open = await env.DB.prepare(
      "SELECT account_id FROM scheduled_posts WHERE content_id = ? AND status = 'pending'",
    )
      .bind(id)
      .all<{ account_id: string }>();
    expect(open.results.map((r) => r.account_id)).toEqual([second?.id]);
  });
});

describe("POST /content/{id}/publish", () => {
  it("queues posts at once and reports them queued, not published", async () => {
    const ws = await createWorkspace();
    const created = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Now", platforms: ["twitter", "webhook"] },
    });
    const { id } = await json<{ id: string }>(created);

    const res = await api(`/content/${id}/publish`, { method: "POST", token: ws.token });
    expect(res.status).toBe(202);
    const body = await json<{
      content: { status: string };
      posts: { id: string; status: string }[];
    }>(res);
    expect(body.content.status).toBe("scheduled");
    expect(body.posts.map((p) => p.status)).toEqual(["queued", "queued"]);

    await deliver(
      ws,
      body.posts.map((p) => p.id),
    );
    const content = await json(await api(`/content/${id}`, { token: ws.token }));
    expect(content.status).toBe("published");
  });

  it("refuses content whose platform has no connected account", async () => {
    const ws = await createWorkspace({ accounts: ["twitter"] });
    const created = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Now", platforms: ["twitter", "linkedin"] },
    });
    const { id } = await json<{ id: string }>(created);

    const res = await api(`/content/${id}/publish`, { method: "POST", token: ws.token });
    expect(res.status).toBe(422);
    const error = await json<{ error: { details: { fields: { message: string }[] } } }>(res);
    expect(error.error.details.fields[0]?.message).toMatch(/linkedin is not connected/);
  });
});

describe("the whole path", () => {
  it("goes from schedule through the cron and the real queue to published", async () => {
    const ws = await createWorkspace();
    const { posts, contentId } = await scheduleContent(ws, ["twitter", "webhook"], inSeconds(90));
    // As if the time had come: the cron, not the scheduling request, must send these.
    await env.DB.prepare("UPDATE scheduled_posts SET scheduled_at = ? WHERE content_id = ?")
      .bind(Date.now() + 1000, contentId)
      .run();

    // The Worker's own cron handler, the real local publish queue, and its real consumer.
    const controller = createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" });
    const ctx = createExecutionContext();
    await (worker.scheduled as ExportedHandlerScheduledHandler<Cloudflare.Env>)(
      controller,
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);

    const deadline = Date.now() + 15_000;
    let statuses: string[] = [];
    while (Date.now() < deadline) {
      statuses = await Promise.all(posts.map(async (p) => (await post(p.id))?.status ?? ""));
      if (statuses.every((s) => s === "published")) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    expect(statuses).toEqual(["published", "published"]);
    expect(tweets()).toHaveLength(1);
    expect(standin.requests.filter((r) => r.path === "/webhook/momentik")).toHaveLength(1);
    const sentAt = Math.min(...standin.requests.map((r) => r.receivedAt));
    const due = (await post(posts[0]?.id as string))?.scheduled_at as number;
    expect(sentAt).toBeGreaterThanOrEqual(due);
    const content = await json(await api(`/content/${contentId}`, { token: ws.token }));
    expect(content.status).toBe("published");
  }, 20_000);
});

describe("who may publish", () => {
  it("refuses to cancel posts through content without schedule:write", async () => {
    const owner = await createWorkspace();
    const { contentId } = await scheduleContent(owner, ["twitter"], inSeconds(600));
    const writer = await createWorkspace({ scopes: ["content:read", "content:write"] });
    // Same workspace, narrower key: write the key straight into D1.
    await env.DB.prepare("UPDATE api_keys SET workspace_id = ?, user_id = ? WHERE id = ?")
      .bind(owner.workspaceId, owner.userId, writer.keyId)
      .run();
    await env.DB.prepare("UPDATE api_keys SET scopes = ? WHERE id = ?")
      .bind(JSON.stringify(["content:read", "content:write"]), writer.keyId)
      .run();
    const { issueToken } = await import("./helpers/fixtures");
    const token = await issueToken(writer.apiKey, writer.secret);

    const res = await api(`/content/${contentId}`, {
      method: "PUT",
      token,
      body: { status: "draft" },
    });

    expect(res.status).toBe(403);
    const open = await env.DB.prepare(
      "SELECT count(*) AS n FROM scheduled_posts WHERE content_id = ? AND status = 'pending'",
    )
      .bind(contentId)
      .first<{ n: number }>();
    expect(open?.n).toBe(1);
  });

  it("refuses scheduling and publishing through content to a token without schedule:write", async () => {
    const ws = await createWorkspace({ scopes: ["content:read", "content:write"] });
    const scheduled = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Sneaky", platforms: ["twitter"], scheduled_at: inSeconds(600) },
    });
    expect(scheduled.status).toBe(403);

    const draft = await json<{ id: string }>(
      await api("/content", {
        method: "POST",
        token: ws.token,
        body: { title: "Draft", platforms: ["twitter"] },
      }),
    );
    const put = await api(`/content/${draft.id}`, {
      method: "PUT",
      token: ws.token,
      body: { status: "published" },
    });
    expect(put.status).toBe(403);
    const publish = await api(`/content/${draft.id}/publish`, { method: "POST", token: ws.token });
    expect(publish.status).toBe(403);

    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM scheduled_posts WHERE workspace_id = ?",
    )
      .bind(ws.workspaceId)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});
