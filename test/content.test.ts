import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { handlePublishBatch } from "../src/publishing/queue-handler";
import { createStandin, type Standin } from "../standin/src/handler";
import { expectError, expectFieldError } from "./helpers/api-errors";
import { dayAhead } from "./helpers/dates";
import {
  api,
  connectAccounts,
  createWorkspace,
  inHours,
  json,
  type Workspace,
} from "./helpers/fixtures";
import { IMAGE, type Pagination, type ScheduledPost } from "./helpers/shapes";

type Content = {
  id: string;
  title: string;
  description: string;
  status: string;
  platforms: string[];
  media: { url: string; type: string }[];
  scheduled_at: string | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
};
type ContentList = {
  data: Content[];
  pagination: Pagination;
};
type Post = ScheduledPost;

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function createContent(ws: Workspace, body: Record<string, unknown>): Promise<Content> {
  const res = await api("/content", { method: "POST", token: ws.token, body });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as Content;
}

async function update(ws: Workspace, id: string, body: unknown): Promise<Response> {
  return api(`/content/${id}`, { method: "PUT", token: ws.token, body });
}

async function list(ws: Workspace, query = ""): Promise<ContentList> {
  const res = await api(`/content${query}`, { token: ws.token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as ContentList;
}

async function postsOf(ws: Workspace, contentId: string): Promise<Post[]> {
  const res = await api("/schedule?per_page=100", { token: ws.token });
  expect(res.status).toBe(200);
  const body = await json<{ scheduled_posts: Post[] }>(res);
  return body.scheduled_posts.filter((p) => p.content_id === contentId);
}

// Runs the publishing queue consumer on the content's queued posts, against the platform
// stand-in instead of the internet. Tests call this on every post they queue, so the test
// pool's own queue consumer, which also receives the messages, finds them settled and skips
// them rather than trying a platform.
async function deliverQueued(ws: Workspace, contentId: string): Promise<Standin> {
  const queued = (await postsOf(ws, contentId)).filter((p) => p.status === "queued");
  expect(queued.length).toBeGreaterThan(0);
  const standin = createStandin();
  const batch = createMessageBatch(
    "publish",
    queued.map((p) => ({
      id: `msg-${p.id}`,
      timestamp: new Date(),
      attempts: 1,
      body: { post_id: p.id, workspace_id: ws.workspaceId },
    })),
  );
  const ctx = createExecutionContext();
  await handlePublishBatch(batch, env, standin.fetch);
  const result = await getQueueResult(batch, ctx);
  expect(result.explicitAcks.sort()).toEqual(queued.map((p) => `msg-${p.id}`).sort());
  return standin;
}

// Publishes for real: PUT status published queues the posts, then the consumer delivers them.
async function publishThroughPlatforms(ws: Workspace, id: string): Promise<Content> {
  const res = await update(ws, id, { status: "published" });
  const text = await res.text();
  expect(res.status, text).toBe(202);
  await deliverQueued(ws, id);
  const stored = await json<Content>(await api(`/content/${id}`, { token: ws.token }));
  expect(stored.status).toBe("published");
  return stored;
}

// Pins creation times so ordering does not depend on how fast the requests ran.
async function setCreatedAt(id: string, ms: number): Promise<void> {
  await env.DB.prepare("UPDATE content SET created_at = ? WHERE id = ?").bind(ms, id).run();
}

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
});

describe("POST /content", () => {
  it("creates scheduled content with one pending post per platform", async () => {
    const own = await createWorkspace();
    const at = inHours(24);
    const body = await createContent(own, {
      title: "New Campaign",
      description: "Campaign description",
      platforms: ["instagram", "linkedin"],
      media: [IMAGE],
      scheduled_at: at,
    });
    expect(body).toMatchObject({
      title: "New Campaign",
      description: "Campaign description",
      status: "scheduled",
      platforms: ["instagram", "linkedin"],
      media: [IMAGE],
      scheduled_at: at.replace(/\.\d{3}Z$/, "Z"),
      published_at: null,
    });
    expect(body.id).toMatch(/^cnt_/);
    expect(body.created_at).toMatch(ISO_SECONDS);
    expect(body.updated_at).toMatch(ISO_SECONDS);

    const schedule = await json<{ scheduled_posts: Post[] }>(
      await api("/schedule", { token: own.token }),
    );
    expect(schedule.scheduled_posts.map((p) => p.platform).sort()).toEqual([
      "instagram",
      "linkedin",
    ]);
    for (const post of schedule.scheduled_posts) {
      expect(post).toMatchObject({ content_id: body.id, status: "pending" });
      expect(Date.parse(post.scheduled_at)).toBe(Date.parse(at.replace(/\.\d{3}Z$/, "Z")));
    }
  });

  it("answers 201 with a Location header for the new item", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Located", platforms: ["twitter"] },
    });
    expect(res.status).toBe(201);
    const body = await json<Content>(res);
    expect(res.headers.get("Location")).toBe(`/v1/content/${body.id}`);
  });

  it("creates a draft with no posts when scheduled_at is missing", async () => {
    const body = await createContent(ws, { title: "Just an idea", platforms: ["webhook"] });
    expect(body).toMatchObject({ status: "draft", scheduled_at: null, description: "" });
    expect(await postsOf(ws, body.id)).toEqual([]);
  });

  it("creates a draft with no posts when scheduled_at is in the past", async () => {
    const body = await createContent(ws, {
      title: "Too late",
      platforms: ["instagram"],
      scheduled_at: inHours(-2),
    });
    expect(body.status).toBe("draft");
    expect(await postsOf(ws, body.id)).toEqual([]);
  });

  it("trims the title", async () => {
    const body = await createContent(ws, { title: "  Padded  ", platforms: ["twitter"] });
    expect(body.title).toBe("Padded");
  });

  it("accepts a title of exactly 200 characters", async () => {
    const title = "t".repeat(200);
    const body = await createContent(ws, { title, platforms: ["twitter"] });
    expect(body.title).toBe(title);
  });

  it.each([
    ["an empty title", { title: "" }, "title"],
    ["a blank title", { title: "   " }, "title"],
    ["a title of 201 characters", { title: "x".repeat(201) }, "title"],
    ["a title that is not a string", { title: 42 }, "title"],
    ["a missing title", { title: undefined }, "title"],
    ["an empty platform list", { platforms: [] }, "platforms"],
    ["an unknown platform", { platforms: ["myspace"] }, "platforms"],
    ["a repeated platform", { platforms: ["instagram", "instagram"] }, "platforms"],
    ["platforms that are not a list", { platforms: "instagram" }, "platforms"],
    ["a scheduled_at that is not a date", { scheduled_at: "tomorrow" }, "scheduled_at"],
    ["a scheduled_at without a zone", { scheduled_at: "2027-01-01T10:00:00" }, "scheduled_at"],
    ["a description that is not a string", { description: ["x"] }, "description"],
    ["an unknown field", { colour: "red" }, "colour"],
    ["a client-chosen id", { id: "cnt_mine" }, "id"],
  ])("refuses %s with 422 naming the field", async (_name, change, field) => {
    const body = { title: "Valid", platforms: ["instagram"], ...change };
    const res = await api("/content", { method: "POST", token: ws.token, body });
    await expectFieldError(res, 422, "validation_failed", field);
  });

  it("names every bad field of one request", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "", platforms: ["fax"], extra: 1, another: 2 },
    });
    await expectFieldError(res, 422, "validation_failed", "title", "platforms", "extra", "another");
  });

  it("refuses a scheduled_at more than a year ahead", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Far away", platforms: ["instagram"], scheduled_at: inHours(24 * 400) },
    });
    await expectFieldError(res, 422, "validation_failed", "scheduled_at");
  });

  it("refuses to schedule Instagram without media with 422 naming media, storing nothing", async () => {
    const own = await createWorkspace();
    const res = await api("/content", {
      method: "POST",
      token: own.token,
      body: { title: "No picture", platforms: ["instagram"], scheduled_at: inHours(5) },
    });
    const body = await expectFieldError(res, 422, "validation_failed", "media");
    expect(body.error.details).toEqual({
      fields: [{ field: "media", message: "instagram: Instagram needs an image or a video" }],
    });
    expect((await list(own)).pagination.total).toBe(0);
    expect(
      (await json<{ scheduled_posts: Post[] }>(await api("/schedule", { token: own.token })))
        .scheduled_posts,
    ).toEqual([]);
  });

  it("keeps Instagram content without media as a draft when nothing is scheduled", async () => {
    const body = await createContent(ws, { title: "Picture later", platforms: ["instagram"] });
    expect(body).toMatchObject({ status: "draft", media: [] });
  });

  it("refuses to schedule on a platform with no connected account with 422", async () => {
    const own = await createWorkspace({ accounts: ["twitter"] });
    const res = await api("/content", {
      method: "POST",
      token: own.token,
      body: { title: "Everywhere", platforms: ["twitter", "linkedin"], scheduled_at: inHours(5) },
    });
    const body = await expectFieldError(res, 422, "validation_failed", "platforms");
    expect(body.error.details).toEqual({
      fields: [{ field: "platforms", message: "linkedin is not connected to this workspace" }],
    });
    expect((await list(own)).pagination.total).toBe(0);
  });

  it("refuses to schedule through an account that needs re-authorising with 422", async () => {
    const own = await createWorkspace({ accounts: [] });
    await connectAccounts(own, ["linkedin"], { status: "needs_reauth" });
    const res = await api("/content", {
      method: "POST",
      token: own.token,
      body: { title: "Stale token", platforms: ["linkedin"], scheduled_at: inHours(5) },
    });
    const body = await expectFieldError(res, 422, "validation_failed", "platforms");
    expect(JSON.stringify(body.error.details)).toContain("needs re-authorising");
    expect((await list(own)).pagination.total).toBe(0);
  });

  it("refuses X text over 280 characters when scheduling with 422", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      // Title, blank line, description: 1 + 2 + 278 = 281 characters as X counts them.
      body: {
        title: "T",
        description: "a".repeat(278),
        platforms: ["twitter"],
        scheduled_at: inHours(5),
      },
    });
    const body = await expectFieldError(res, 422, "validation_failed", "text");
    expect(JSON.stringify(body.error.details)).toContain("this has 281");
  });

  it.each([
    ["media that is not a list", { media: IMAGE }],
    ["media without a type", { media: [{ url: IMAGE.url }] }],
    ["media of an unknown type", { media: [{ url: IMAGE.url, type: "gif" }] }],
    [
      "media with a URL that is not http(s)",
      { media: [{ url: "ftp://x.test/a.jpg", type: "image" }] },
    ],
  ])("refuses %s with 422 naming media", async (_name, change) => {
    const body = { title: "Valid", platforms: ["twitter"], ...change };
    const res = await api("/content", { method: "POST", token: ws.token, body });
    await expectFieldError(res, 422, "validation_failed", "media");
  });

  it("refuses a body that is not JSON", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: "{not json",
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
  });
});

describe("GET /content", () => {
  it("answers with the documented shape", async () => {
    const own = await createWorkspace();
    const created = await createContent(own, {
      title: "Summer Campaign Launch",
      platforms: ["instagram", "twitter"],
    });
    const body = await list(own);
    expect(body.pagination).toEqual({ page: 1, per_page: 20, total: 1 });
    expect(body.data).toHaveLength(1);
    const [item] = body.data;
    expect(item).toMatchObject({
      id: created.id,
      title: "Summer Campaign Launch",
      status: "draft",
      platforms: ["instagram", "twitter"],
      created_at: created.created_at,
    });
    expect(item?.created_at).toMatch(ISO_SECONDS);
  });

  describe("ordering and pagination", () => {
    let own: Workspace;
    const ids: string[] = [];

    beforeAll(async () => {
      own = await createWorkspace();
      const base = Date.UTC(2026, 0, 1);
      // Five items; two pairs share a creation instant to exercise the tie-break.
      const times = [base, base + 1000, base + 1000, base + 2000, base + 2000];
      for (const [i, ms] of times.entries()) {
        const item = await createContent(own, { title: `Item ${i}`, platforms: ["twitter"] });
        await setCreatedAt(item.id, ms);
        ids.push(item.id);
      }
    });

    it("lists newest first", async () => {
      const body = await list(own);
      const times = body.data.map((c) => Date.parse(c.created_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(body.data.at(-1)?.id).toBe(ids[0]);
      expect(body.data.at(-1)?.created_at).toBe("2026-01-01T00:00:00Z");
      expect(body.pagination.total).toBe(5);
    });

    it("keeps one stable order across pages, ties included", async () => {
      const whole = (await list(own, "?per_page=100")).data.map((c) => c.id);
      const paged: string[] = [];
      for (let page = 1; page <= 5; page++) {
        const body = await list(own, `?per_page=1&page=${page}`);
        expect(body.pagination).toEqual({ page, per_page: 1, total: 5 });
        paged.push(...body.data.map((c) => c.id));
      }
      expect(paged).toEqual(whole);
      expect(new Set(paged).size).toBe(5);
      expect((await list(own, "?per_page=100")).data.map((c) => c.id)).toEqual(whole);
    });

    it("splits pages by per_page", async () => {
      const first = await list(own, "?per_page=2");
      const third = await list(own, "?per_page=2&page=3");
      expect(first.data).toHaveLength(2);
      expect(third.data).toHaveLength(1);
      expect(third.pagination).toEqual({ page: 3, per_page: 2, total: 5 });
    });

    it("answers an empty page past the end with the real total", async () => {
      const body = await list(own, "?page=9&per_page=20");
      expect(body).toEqual({ data: [], pagination: { page: 9, per_page: 20, total: 5 } });
    });

    it("accepts per_page at its bounds", async () => {
      expect((await list(own, "?per_page=1")).data).toHaveLength(1);
      expect((await list(own, "?per_page=100")).pagination.per_page).toBe(100);
    });
  });

  it.each([
    ["page", "0"],
    ["page", "-1"],
    ["page", "abc"],
    ["page", "1e3"],
    ["page", "1.5"],
    ["page", "99999999999"],
    ["page", ""],
    ["per_page", "0"],
    ["per_page", "-1"],
    ["per_page", "abc"],
    ["per_page", "1e3"],
    ["per_page", "101"],
    ["per_page", "99999999999"],
  ])("refuses %s=%s with 400 invalid_query naming the field", async (field, value) => {
    const res = await api(`/content?${field}=${encodeURIComponent(value)}`, { token: ws.token });
    await expectFieldError(res, 400, "invalid_query", field);
  });

  it.each([
    ["status", "deleted"],
    ["platform", "myspace"],
  ])("refuses an unknown %s filter with 400", async (field, value) => {
    const res = await api(`/content?${field}=${value}`, { token: ws.token });
    await expectFieldError(res, 400, "invalid_query", field);
  });

  describe("filters", () => {
    let own: Workspace;
    const byTitle: Record<string, Content> = {};

    beforeAll(async () => {
      own = await createWorkspace();
      const specs: [string, string[]][] = [
        ["100% real", ["instagram"]],
        ["1000 real", ["twitter"]],
        ["a_b", ["linkedin"]],
        ["axb", ["instagram", "linkedin"]],
        ["back\\slash", ["webhook"]],
      ];
      for (const [title, platforms] of specs) {
        byTitle[title] = await createContent(own, { title, platforms });
      }
      const published = byTitle["1000 real"] as Content;
      await publishThroughPlatforms(own, published.id);
      const scheduled = byTitle.axb as Content;
      const res = await update(own, scheduled.id, {
        status: "scheduled",
        scheduled_at: inHours(5),
        media: [IMAGE],
      });
      expect(res.status).toBe(200);
    });

    const titles = (body: ContentList) => body.data.map((c) => c.title).sort();

    it("filters by status", async () => {
      expect(titles(await list(own, "?status=published"))).toEqual(["1000 real"]);
      expect(titles(await list(own, "?status=scheduled"))).toEqual(["axb"]);
      expect(titles(await list(own, "?status=draft"))).toEqual(["100% real", "a_b", "back\\slash"]);
      const archived = await list(own, "?status=archived");
      expect(archived).toEqual({ data: [], pagination: { page: 1, per_page: 20, total: 0 } });
    });

    it("filters by platform", async () => {
      expect(titles(await list(own, "?platform=linkedin"))).toEqual(["a_b", "axb"]);
      expect(titles(await list(own, "?platform=instagram"))).toEqual(["100% real", "axb"]);
      expect((await list(own, "?platform=webhook")).pagination.total).toBe(1);
    });

    it("treats % in q as a literal character", async () => {
      const body = await list(own, `?q=${encodeURIComponent("100%")}`);
      expect(titles(body)).toEqual(["100% real"]);
      expect(body.pagination.total).toBe(1);
    });

    it("treats _ in q as a literal character", async () => {
      expect(titles(await list(own, "?q=a_b"))).toEqual(["a_b"]);
      expect(titles(await list(own, "?q=x"))).toEqual(["axb"]);
    });

    it("treats a backslash in q as a literal character", async () => {
      expect(titles(await list(own, `?q=${encodeURIComponent("k\\s")}`))).toEqual(["back\\slash"]);
    });

    it("matches any part of the title", async () => {
      expect(titles(await list(own, "?q=real"))).toEqual(["100% real", "1000 real"]);
      expect(titles(await list(own, "?q=REAL"))).toEqual(["100% real", "1000 real"]);
      expect((await list(own, "?q=nothing-like-this")).pagination.total).toBe(0);
    });

    it("combines filters", async () => {
      const body = await list(own, "?q=real&platform=twitter&status=published");
      expect(titles(body)).toEqual(["1000 real"]);
      expect((await list(own, "?q=real&status=draft&platform=twitter")).data).toEqual([]);
    });
  });
});

describe("GET /content/{id}", () => {
  it("answers with the full item", async () => {
    const created = await createContent(ws, {
      title: "One item",
      description: "Read me back",
      platforms: ["linkedin"],
    });
    const res = await api(`/content/${created.id}`, { token: ws.token });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(created);
  });

  it("answers 404 for an id that does not exist", async () => {
    await expectError(await api("/content/cnt_missing", { token: ws.token }), 404, "not_found");
  });
});

describe("PUT /content/{id}", () => {
  it("changes only the fields sent", async () => {
    const created = await createContent(ws, {
      title: "Before",
      description: "Keep me",
      platforms: ["instagram", "twitter"],
    });
    const res = await update(ws, created.id, { title: "Updated Campaign Title" });
    expect(res.status).toBe(200);
    const body = await json<Content>(res);
    expect(body).toMatchObject({
      id: created.id,
      title: "Updated Campaign Title",
      description: "Keep me",
      platforms: ["instagram", "twitter"],
      status: "draft",
      created_at: created.created_at,
    });
    expect(body.updated_at).toMatch(ISO_SECONDS);
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored).toEqual(body);
  });

  it("can clear the description with an empty string", async () => {
    const created = await createContent(ws, {
      title: "Has text",
      description: "Soon gone",
      platforms: ["twitter"],
    });
    const body = await json<Content>(await update(ws, created.id, { description: "" }));
    expect(body.description).toBe("");
  });

  it("answers 202 to status published and queues one post per platform", async () => {
    const created = await createContent(ws, {
      title: "Publish me",
      platforms: ["twitter", "linkedin"],
    });
    const res = await update(ws, created.id, { title: "Published", status: "published" });
    expect(res.status).toBe(202);
    const body = await json<Content>(res);
    // The content's true state: on its way to the platforms, not published yet.
    expect(body).toMatchObject({
      id: created.id,
      title: "Published",
      status: "scheduled",
      published_at: null,
    });
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored).toMatchObject({ title: "Published", status: "scheduled", published_at: null });
    const posts = await postsOf(ws, created.id);
    expect(posts.map((p) => [p.platform, p.status]).sort()).toEqual([
      ["linkedin", "queued"],
      ["twitter", "queued"],
    ]);
    await deliverQueued(ws, created.id);
  });

  it("becomes published, with the time, once the platforms accept the posts", async () => {
    const created = await createContent(ws, { title: "Publish me too", platforms: ["twitter"] });
    const before = Date.now();
    const res = await update(ws, created.id, { title: "Out now", status: "published" });
    expect(res.status).toBe(202);
    const standin = await deliverQueued(ws, created.id);

    expect(standin.requests.map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      ["/x/2/tweets", { text: "Out now" }],
    ]);
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored).toMatchObject({ title: "Out now", status: "published" });
    expect(Date.parse(stored.published_at as string)).toBeGreaterThanOrEqual(before - 1000);
    expect((await postsOf(ws, created.id)).map((p) => p.status)).toEqual(["published"]);
  });

  it("publishes failed content again", async () => {
    const created = await createContent(ws, { title: "Second try", platforms: ["twitter"] });
    // Only the publisher sets `failed`; the state it leaves is written straight in D1.
    await env.DB.prepare("UPDATE content SET status = 'failed' WHERE id = ?")
      .bind(created.id)
      .run();
    const res = await update(ws, created.id, { status: "published" });
    expect(res.status).toBe(202);
    expect((await json<Content>(res)).status).toBe("scheduled");
    expect((await postsOf(ws, created.id)).map((p) => p.status)).toEqual(["queued"]);
    await deliverQueued(ws, created.id);
  });

  it("refuses status published for a platform with no connected account", async () => {
    const own = await createWorkspace({ accounts: ["twitter"] });
    const created = await createContent(own, {
      title: "Nowhere to go",
      platforms: ["twitter", "linkedin"],
    });
    const res = await update(own, created.id, { status: "published" });
    const body = await expectFieldError(res, 422, "validation_failed", "platforms");
    expect(JSON.stringify(body.error.details)).toContain("linkedin is not connected");
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: own.token }));
    expect(stored).toEqual(created);
    expect(await postsOf(own, created.id)).toEqual([]);
  });

  it("refuses status published for text a platform would refuse", async () => {
    const created = await createContent(ws, {
      title: "T",
      description: "a".repeat(278),
      platforms: ["twitter"],
    });
    const res = await update(ws, created.id, { status: "published" });
    const body = await expectFieldError(res, 422, "validation_failed", "text");
    expect(JSON.stringify(body.error.details)).toContain("this has 281");
    expect(await postsOf(ws, created.id)).toEqual([]);
  });

  it("refuses to move published content back to draft with 409 invalid_transition", async () => {
    const created = await createContent(ws, { title: "Out already", platforms: ["twitter"] });
    await publishThroughPlatforms(ws, created.id);
    const body = await expectError(
      await update(ws, created.id, { status: "draft" }),
      409,
      "invalid_transition",
    );
    expect(body.error.details).toMatchObject({ from: "published", to: "draft" });
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored.status).toBe("published");
  });

  it("refuses to schedule published content", async () => {
    const created = await createContent(ws, { title: "Out", platforms: ["twitter"] });
    await publishThroughPlatforms(ws, created.id);
    const res = await update(ws, created.id, { status: "scheduled", scheduled_at: inHours(3) });
    await expectError(res, 409, "invalid_transition");
    // Only the post that went out; nothing new was scheduled.
    expect((await postsOf(ws, created.id)).map((p) => p.status)).toEqual(["published"]);
  });

  it("moves archived content back to draft", async () => {
    const created = await createContent(ws, { title: "Shelved", platforms: ["twitter"] });
    expect((await update(ws, created.id, { status: "archived" })).status).toBe(200);
    const res = await update(ws, created.id, { status: "draft" });
    expect(res.status).toBe(200);
    expect((await json<Content>(res)).status).toBe("draft");
  });

  it("cancels pending posts when scheduled content goes back to draft", async () => {
    const created = await createContent(ws, {
      title: "Unschedule me",
      platforms: ["instagram", "linkedin"],
      media: [IMAGE],
      scheduled_at: inHours(6),
    });
    expect((await postsOf(ws, created.id)).map((p) => p.status)).toEqual(["pending", "pending"]);
    const res = await update(ws, created.id, { status: "draft" });
    expect(res.status).toBe(200);
    expect((await json<Content>(res)).status).toBe("draft");
    const posts = await postsOf(ws, created.id);
    expect(posts).toHaveLength(2);
    expect(posts.every((p) => p.status === "cancelled")).toBe(true);
  });

  it("cancels pending posts when scheduled content is published by hand", async () => {
    const created = await createContent(ws, {
      title: "Publish early",
      platforms: ["twitter"],
      scheduled_at: inHours(6),
    });
    const [pending] = await postsOf(ws, created.id);
    const res = await update(ws, created.id, { status: "published" });
    expect(res.status).toBe(202);
    const posts = await postsOf(ws, created.id);
    expect(posts.map((p) => [p.id === pending?.id ? "earlier" : "new", p.status]).sort()).toEqual([
      ["earlier", "cancelled"],
      ["new", "queued"],
    ]);
    await deliverQueued(ws, created.id);
  });

  it("refuses to set the publisher-only status failed", async () => {
    const created = await createContent(ws, { title: "Fine", platforms: ["twitter"] });
    await expectError(
      await update(ws, created.id, { status: "failed" }),
      409,
      "invalid_transition",
    );
  });

  it("schedules a draft when given a status and a future time", async () => {
    const created = await createContent(ws, { title: "Later", platforms: ["webhook"] });
    const at = `${dayAhead(30)}T10:00:00+05:30`;
    const res = await update(ws, created.id, { status: "scheduled", scheduled_at: at });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      status: "scheduled",
      scheduled_at: `${dayAhead(30)}T04:30:00Z`,
    });
    const posts = await postsOf(ws, created.id);
    expect(posts).toEqual([
      expect.objectContaining({
        platform: "webhook",
        status: "pending",
        scheduled_at: `${dayAhead(30)}T04:30:00Z`,
      }),
    ]);
  });

  it("schedules a draft at the time stored by an earlier update", async () => {
    const created = await createContent(ws, { title: "Two steps", platforms: ["linkedin"] });
    const at = `${dayAhead(31)}T09:00:00Z`;
    const first = await json<Content>(await update(ws, created.id, { scheduled_at: at }));
    expect(first).toMatchObject({ status: "draft", scheduled_at: at });
    expect(await postsOf(ws, created.id)).toEqual([]);
    const second = await json<Content>(await update(ws, created.id, { status: "scheduled" }));
    expect(second).toMatchObject({ status: "scheduled", scheduled_at: at });
    const posts = await postsOf(ws, created.id);
    expect(posts.map((p) => [p.platform, p.status, p.scheduled_at])).toEqual([
      ["linkedin", "pending", at],
    ]);
  });

  it("replaces the pending posts when scheduled content gets a new time", async () => {
    const created = await createContent(ws, {
      title: "Move me",
      platforms: ["instagram", "twitter"],
      media: [IMAGE],
      scheduled_at: inHours(10),
    });
    const old = await postsOf(ws, created.id);
    const later = new Date(Date.now() + 48 * 3_600_000).toISOString().replace(/\.\d{3}Z/, "Z");
    const res = await update(ws, created.id, { scheduled_at: later });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: "scheduled", scheduled_at: later });

    const posts = await postsOf(ws, created.id);
    expect(posts).toHaveLength(4);
    const cancelled = posts.filter((p) => p.status === "cancelled");
    const pending = posts.filter((p) => p.status === "pending");
    expect(cancelled.map((p) => p.id).sort()).toEqual(old.map((p) => p.id).sort());
    expect(pending.map((p) => p.platform).sort()).toEqual(["instagram", "twitter"]);
    expect(pending.every((p) => p.scheduled_at === later)).toBe(true);
  });

  it("replaces the pending posts when scheduled content changes platforms", async () => {
    const created = await createContent(ws, {
      title: "Other networks",
      platforms: ["instagram"],
      media: [IMAGE],
      scheduled_at: inHours(10),
    });
    const res = await update(ws, created.id, { platforms: ["linkedin", "webhook"] });
    expect(res.status).toBe(200);
    const pending = (await postsOf(ws, created.id)).filter((p) => p.status === "pending");
    expect(pending.map((p) => p.platform).sort()).toEqual(["linkedin", "webhook"]);
    expect(pending.every((p) => p.scheduled_at === created.scheduled_at)).toBe(true);
  });

  it("refuses to reschedule into the past", async () => {
    const created = await createContent(ws, {
      title: "Stay put",
      platforms: ["instagram"],
      media: [IMAGE],
      scheduled_at: inHours(10),
    });
    const res = await update(ws, created.id, { scheduled_at: inHours(-1) });
    await expectFieldError(res, 422, "validation_failed", "scheduled_at");
    const posts = await postsOf(ws, created.id);
    expect(posts.map((p) => [p.status, p.scheduled_at])).toEqual([
      ["pending", created.scheduled_at],
    ]);
  });

  it("refuses to schedule Instagram content without media, then schedules it with media", async () => {
    const created = await createContent(ws, { title: "Needs a picture", platforms: ["instagram"] });
    const at = inHours(8);
    const refused = await update(ws, created.id, { status: "scheduled", scheduled_at: at });
    await expectFieldError(refused, 422, "validation_failed", "media");
    expect(await json(await api(`/content/${created.id}`, { token: ws.token }))).toEqual(created);
    expect(await postsOf(ws, created.id)).toEqual([]);

    const res = await update(ws, created.id, {
      status: "scheduled",
      scheduled_at: at,
      media: [IMAGE],
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: "scheduled", media: [IMAGE] });
    expect((await postsOf(ws, created.id)).map((p) => [p.platform, p.status])).toEqual([
      ["instagram", "pending"],
    ]);
  });

  it("refuses to schedule on a platform with no connected account with 422", async () => {
    const own = await createWorkspace({ accounts: ["twitter"] });
    const created = await createContent(own, { title: "Where?", platforms: ["linkedin"] });
    const res = await update(own, created.id, { status: "scheduled", scheduled_at: inHours(8) });
    await expectFieldError(res, 422, "validation_failed", "platforms");
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: own.token }));
    expect(stored.status).toBe("draft");
    expect(await postsOf(own, created.id)).toEqual([]);
  });

  it("refuses a new text for scheduled content that its platform would refuse", async () => {
    const created = await createContent(ws, {
      title: "Short",
      platforms: ["twitter"],
      scheduled_at: inHours(8),
    });
    const res = await update(ws, created.id, { title: "T", description: "a".repeat(278) });
    await expectFieldError(res, 422, "validation_failed", "text");
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored).toMatchObject({ title: "Short", description: "", status: "scheduled" });
  });

  it("refuses to remove the media of scheduled Instagram content", async () => {
    const created = await createContent(ws, {
      title: "Keep the picture",
      platforms: ["instagram"],
      media: [IMAGE],
      scheduled_at: inHours(8),
    });
    const res = await update(ws, created.id, { media: [] });
    await expectFieldError(res, 422, "validation_failed", "media");
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored.media).toEqual([IMAGE]);
  });

  it("refuses status scheduled without a scheduled_at with 422", async () => {
    const created = await createContent(ws, { title: "When?", platforms: ["instagram"] });
    const res = await update(ws, created.id, { status: "scheduled" });
    await expectFieldError(res, 422, "validation_failed", "scheduled_at");
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored.status).toBe("draft");
  });

  it.each([
    ["an unknown field", { colour: "blue" }, "colour"],
    ["the id", { id: "cnt_other" }, "id"],
    ["the workspace", { workspace_id: "wsp_other" }, "workspace_id"],
    ["created_at", { created_at: "2020-01-01T00:00:00Z" }, "created_at"],
    ["updated_at", { updated_at: "2020-01-01T00:00:00Z" }, "updated_at"],
    ["an empty title", { title: "" }, "title"],
    ["an unknown status", { status: "deleted" }, "status"],
    ["an empty platform list", { platforms: [] }, "platforms"],
  ])("refuses %s in the body with 422 naming it", async (_name, body, field) => {
    const created = await createContent(ws, { title: "Guarded", platforms: ["twitter"] });
    await expectFieldError(await update(ws, created.id, body), 422, "validation_failed", field);
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored).toEqual(created);
  });

  it("refuses an empty body with 422", async () => {
    const created = await createContent(ws, { title: "Untouched", platforms: ["twitter"] });
    await expectError(await update(ws, created.id, {}), 422, "validation_failed");
  });

  it("answers 404 for an id that does not exist", async () => {
    await expectError(await update(ws, "cnt_missing", { title: "x" }), 404, "not_found");
  });
});

describe("POST /content/{id}/publish", () => {
  type Publishing = { content: Content; posts: (Post & { account_id: string | null })[] };

  it("answers 202 with the content as it is and one queued post per platform", async () => {
    const own = await createWorkspace({ accounts: [] });
    const [twitter, linkedin] = await connectAccounts(own, ["twitter", "linkedin"]);
    const created = await createContent(own, {
      title: "Right now",
      platforms: ["twitter", "linkedin"],
    });
    const res = await api(`/content/${created.id}/publish`, { method: "POST", token: own.token });
    expect(res.status).toBe(202);
    const body = await json<Publishing>(res);
    expect(body.content).toMatchObject({ id: created.id, status: "scheduled", published_at: null });
    expect(body.posts.map((p) => [p.platform, p.account_id, p.status]).sort()).toEqual([
      ["linkedin", linkedin?.id, "queued"],
      ["twitter", twitter?.id, "queued"],
    ]);
    const listed = await postsOf(own, created.id);
    expect(listed.map((p) => p.id).sort()).toEqual(body.posts.map((p) => p.id).sort());
    expect(listed.every((p) => p.status === "queued")).toBe(true);

    await deliverQueued(own, created.id);
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: own.token }));
    expect(stored.status).toBe("published");
  });

  it("refuses published content with 409 and posts nothing again", async () => {
    const created = await createContent(ws, { title: "Done", platforms: ["twitter"] });
    await publishThroughPlatforms(ws, created.id);
    const res = await api(`/content/${created.id}/publish`, { method: "POST", token: ws.token });
    try {
      await expectError(res, 409, "invalid_transition");
      expect((await postsOf(ws, created.id)).map((p) => p.status)).toEqual(["published"]);
    } finally {
      // Whatever src queued is delivered to the stand-in, not left for the pool's consumer.
      const queued = (await postsOf(ws, created.id)).filter((p) => p.status === "queued");
      if (queued.length > 0) await deliverQueued(ws, created.id);
    }
  });

  it("refuses Instagram without media with 422 and queues nothing", async () => {
    const created = await createContent(ws, { title: "Bare", platforms: ["instagram"] });
    const res = await api(`/content/${created.id}/publish`, { method: "POST", token: ws.token });
    await expectFieldError(res, 422, "validation_failed", "media");
    expect(await postsOf(ws, created.id)).toEqual([]);
    const stored = await json<Content>(await api(`/content/${created.id}`, { token: ws.token }));
    expect(stored.status).toBe("draft");
  });
});

describe("DELETE /content/{id}", () => {
  it("deletes the item, cancels its pending posts and hides it everywhere", async () => {
    const created = await createContent(ws, {
      title: "Remove me",
      platforms: ["instagram", "twitter"],
      media: [IMAGE],
      scheduled_at: inHours(12),
    });
    const res = await api(`/content/${created.id}`, { method: "DELETE", token: ws.token });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ success: true, message: "Content deleted successfully" });

    await expectError(await api(`/content/${created.id}`, { token: ws.token }), 404, "not_found");
    const listed = await list(ws, "?per_page=100");
    expect(listed.data.map((c) => c.id)).not.toContain(created.id);
    const posts = await postsOf(ws, created.id);
    expect(posts).toHaveLength(2);
    expect(posts.every((p) => p.status === "cancelled")).toBe(true);
  });

  it("works with the docs' Content-Type: application/json and no body", async () => {
    const created = await createContent(ws, { title: "Curl me", platforms: ["twitter"] });
    const res = await api(`/content/${created.id}`, {
      method: "DELETE",
      token: ws.token,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ success: true, message: "Content deleted successfully" });
  });

  it("answers 404 when the item is deleted twice", async () => {
    const created = await createContent(ws, { title: "Twice", platforms: ["twitter"] });
    const first = await api(`/content/${created.id}`, { method: "DELETE", token: ws.token });
    expect(first.status).toBe(200);
    const second = await api(`/content/${created.id}`, { method: "DELETE", token: ws.token });
    await expectError(second, 404, "not_found");
  });

  it("refuses to update deleted content", async () => {
    const created = await createContent(ws, { title: "Gone", platforms: ["twitter"] });
    await api(`/content/${created.id}`, { method: "DELETE", token: ws.token });
    await expectError(await update(ws, created.id, { title: "Back" }), 404, "not_found");
  });

  it("lowers the list total", async () => {
    const own = await createWorkspace();
    const a = await createContent(own, { title: "A", platforms: ["twitter"] });
    await createContent(own, { title: "B", platforms: ["twitter"] });
    expect((await list(own)).pagination.total).toBe(2);
    await api(`/content/${a.id}`, { method: "DELETE", token: own.token });
    const after = await list(own);
    expect(after.pagination.total).toBe(1);
    expect(after.data.map((c) => c.title)).toEqual(["B"]);
  });
});

describe("content access", () => {
  it("refuses a request without a token with 401", async () => {
    await expectError(await api("/content"), 401, "unauthorized");
  });

  it("refuses writes to a token without content:write with 403", async () => {
    const reader = await createWorkspace({ scopes: ["content:read"] });
    const res = await api("/content", {
      method: "POST",
      token: reader.token,
      body: { title: "Nope", platforms: ["twitter"] },
    });
    await expectError(res, 403, "forbidden");
    expect((await list(reader)).pagination.total).toBe(0);
  });
});
