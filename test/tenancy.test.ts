import { beforeAll, describe, expect, it } from "vitest";
import { expectError, expectFieldError } from "./helpers/api-errors";
import {
  api,
  connectAccounts,
  createWorkspace,
  inHours,
  json,
  type Workspace,
} from "./helpers/fixtures";

// Two workspaces with the same kind of data; each must act as if the other did not exist.
let a: Workspace;
let b: Workspace;
let aContent: string;
let bContent: string;

async function newContent(ws: Workspace, title: string): Promise<string> {
  const res = await api("/content", {
    method: "POST",
    token: ws.token,
    body: {
      title,
      platforms: ["instagram"],
      // Instagram posts need exactly one image or video.
      media: [{ url: "https://cdn.example.test/a.jpg", type: "image" }],
      scheduled_at: inHours(12),
    },
  });
  expect(res.status).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

beforeAll(async () => {
  a = await createWorkspace();
  b = await createWorkspace();
  aContent = await newContent(a, "Workspace A secret plan #AlphaTag");
  bContent = await newContent(b, "Workspace B");
  for (const [ws, id, impressions] of [
    [a, aContent, 7000],
    [b, bContent, 30],
  ] as const) {
    const res = await api("/analytics/metrics", {
      method: "POST",
      token: ws.token,
      body: {
        metrics: [
          {
            content_id: id,
            platform: "instagram",
            recorded_at: inHours(-1),
            impressions,
            likes: 7,
          },
        ],
      },
    });
    expect(res.status).toBe(201);
  }
});

describe("content across workspaces", () => {
  it("lists only the caller's content", async () => {
    const body = await json<{ data: { id: string }[]; pagination: { total: number } }>(
      await api("/content", { token: b.token }),
    );
    expect(body.data.map((c) => c.id)).toEqual([bContent]);
    expect(body.pagination.total).toBe(1);
    const search = await json<{ data: unknown[] }>(
      await api("/content?q=secret", { token: b.token }),
    );
    expect(search.data).toEqual([]);
  });

  it("answers 404 to a get of another workspace's content", async () => {
    await expectError(await api(`/content/${aContent}`, { token: b.token }), 404, "not_found");
  });

  it("answers 404 to an update and leaves the content unchanged", async () => {
    const res = await api(`/content/${aContent}`, {
      method: "PUT",
      token: b.token,
      body: { title: "Hijacked", status: "draft" },
    });
    await expectError(res, 404, "not_found");
    const own = await json<{ title: string; status: string }>(
      await api(`/content/${aContent}`, { token: a.token }),
    );
    expect(own).toMatchObject({ title: "Workspace A secret plan #AlphaTag", status: "scheduled" });
  });

  it("answers 404 to a delete and leaves the content and its posts in place", async () => {
    const res = await api(`/content/${aContent}`, { method: "DELETE", token: b.token });
    await expectError(res, 404, "not_found");
    expect((await api(`/content/${aContent}`, { token: a.token })).status).toBe(200);
    const posts = await json<{ scheduled_posts: { status: string }[] }>(
      await api("/schedule", { token: a.token }),
    );
    expect(posts.scheduled_posts.map((p) => p.status)).toEqual(["pending"]);
  });
});

describe("schedules across workspaces", () => {
  it("lists only the caller's scheduled posts", async () => {
    const body = await json<{ scheduled_posts: { content_id: string }[] }>(
      await api("/schedule?per_page=100", { token: b.token }),
    );
    expect(body.scheduled_posts.map((p) => p.content_id)).toEqual([bContent]);
  });

  it("refuses to schedule another workspace's content", async () => {
    const res = await api("/schedule", {
      method: "POST",
      token: b.token,
      body: { content_id: aContent, platforms: ["twitter"], scheduled_at: inHours(3) },
    });
    await expectFieldError(res, 422, "validation_failed", "content_id");
    const own = await json<{ scheduled_posts: unknown[] }>(
      await api("/schedule", { token: a.token }),
    );
    expect(own.scheduled_posts).toHaveLength(1);
  });

  it("refuses to post through another workspace's account", async () => {
    const [foreign] = await connectAccounts(a, ["twitter"], { isDefault: false });
    const res = await api("/schedule", {
      method: "POST",
      token: b.token,
      body: { content_id: bContent, account_ids: [foreign?.id], scheduled_at: inHours(3) },
    });
    const body = await expectFieldError(res, 422, "validation_failed", "account_ids");
    expect(JSON.stringify(body.error.details)).toContain("is not an account here");
    const theirs = await json<{ scheduled_posts: { content_id: string; platform: string }[] }>(
      await api("/schedule?per_page=100", { token: b.token }),
    );
    expect(theirs.scheduled_posts.map((p) => [p.content_id, p.platform])).toEqual([
      [bContent, "instagram"],
    ]);
  });
});

describe("analytics across workspaces", () => {
  it("counts only the caller's metrics", async () => {
    const mine = await json<{ impressions: number; engagements: number }>(
      await api("/analytics/performance", { token: b.token }),
    );
    expect(mine).toMatchObject({ impressions: 30, engagements: 7 });
    const theirs = await json<{ impressions: number }>(
      await api("/analytics/performance", { token: a.token }),
    );
    expect(theirs.impressions).toBe(7000);
  });

  it("answers 404 to a performance filter on another workspace's content", async () => {
    const res = await api(`/analytics/performance?content_id=${aContent}`, { token: b.token });
    await expectError(res, 404, "not_found");
  });

  it("refuses to record metrics against another workspace's content", async () => {
    const res = await api("/analytics/metrics", {
      method: "POST",
      token: b.token,
      body: {
        metrics: [{ content_id: aContent, platform: "instagram", recorded_at: inHours(-1) }],
      },
    });
    await expectFieldError(res, 422, "validation_failed", "metrics.0.content_id");
  });

  it("builds trends from the caller's content only", async () => {
    const body = await json<{
      trending_topics: { topic: string }[];
      trending_hashtags: { hashtag: string }[];
    }>(await api("/analytics/trends", { token: b.token }));
    expect(body.trending_hashtags).toEqual([]);
    const topics = body.trending_topics.map((t) => t.topic);
    expect(topics).toContain("workspace");
    expect(topics.some((t) => t.includes("secret"))).toBe(false);
  });
});

describe("teams across workspaces", () => {
  it("lists only the caller's members", async () => {
    const body = await json<{ members: { id: string }[]; pagination: { total: number } }>(
      await api("/team/members", { token: b.token }),
    );
    expect(body.members.map((m) => m.id)).toEqual([b.userId]);
    expect(body.pagination.total).toBe(1);
  });

  it("lets a workspace invite a member of another workspace", async () => {
    const aOwner = await json<{ members: { email: string }[] }>(
      await api("/team/members", { token: a.token }),
    );
    const email = aOwner.members[0]?.email as string;
    const res = await api("/team/invite", {
      method: "POST",
      token: b.token,
      body: { email, role: "viewer" },
    });
    expect(res.status).toBe(201);
  });
});
