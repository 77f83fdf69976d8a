import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
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

type Post = ScheduledPost;
type PostList = {
  scheduled_posts: Post[];
  pagination: Pagination;
};
type Created = {
  schedule_id: string;
  status: string;
  platforms: string[];
  scheduled_at: string;
  posts: { id: string; platform: string; account_id: string }[];
};

const seconds = (iso: string) => iso.replace(/\.\d{3}Z$/, "Z");

async function newContent(
  ws: Workspace,
  platforms = ["instagram"],
  title = "Post me",
  extra: Record<string, unknown> = { media: [IMAGE] },
) {
  const res = await api("/content", {
    method: "POST",
    token: ws.token,
    body: { title, platforms, ...extra },
  });
  expect(res.status).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

function schedule(ws: Workspace, body: Record<string, unknown>) {
  return api("/schedule", { method: "POST", token: ws.token, body });
}

async function scheduled(ws: Workspace, body: Record<string, unknown>): Promise<Created> {
  const res = await schedule(ws, body);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as Created;
}

async function listPosts(ws: Workspace, query = ""): Promise<PostList> {
  const res = await api(`/schedule${query}`, { token: ws.token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as PostList;
}

async function contentStatus(ws: Workspace, id: string): Promise<string> {
  const res = await api(`/content/${id}`, { token: ws.token });
  return (await json<{ status: string }>(res)).status;
}

async function postsOf(ws: Workspace, contentId: string): Promise<Post[]> {
  const rows = (await listPosts(ws, "?per_page=100")).scheduled_posts;
  return rows.filter((p) => p.content_id === contentId);
}

// Content becomes `published` only once the platforms accept its posts (the publishing
// pipeline has its own tests); here the state that pipeline leaves is written straight in D1.
async function markPublished(contentId: string): Promise<void> {
  const now = Date.now();
  await env.DB.prepare(
    "UPDATE content SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?",
  )
    .bind(now, now, contentId)
    .run();
}

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
});

describe("POST /schedule", () => {
  it("schedules content and answers with the documented shape", async () => {
    const own = await createWorkspace({ accounts: [] });
    const [instagram, twitter] = await connectAccounts(own, ["instagram", "twitter"]);
    const contentId = await newContent(own, ["instagram"]);
    const at = seconds(inHours(30));
    const res = await schedule(own, {
      content_id: contentId,
      platforms: ["instagram", "twitter"],
      scheduled_at: at,
    });
    expect(res.status).toBe(201);
    const body = await json<Created>(res);
    expect(body).toMatchObject({
      status: "scheduled",
      platforms: ["instagram", "twitter"],
      scheduled_at: at,
    });
    expect(body.schedule_id).toMatch(/^scd_/);
    // Each post goes through the platform's default account.
    expect(body.posts).toEqual([
      { id: expect.stringMatching(/^scd_/), platform: "instagram", account_id: instagram?.id },
      { id: expect.stringMatching(/^scd_/), platform: "twitter", account_id: twitter?.id },
    ]);

    const listed = await listPosts(own);
    expect(listed.pagination).toEqual({ page: 1, per_page: 20, total: 2 });
    const rows = [...listed.scheduled_posts].sort((a, b) => a.platform.localeCompare(b.platform));
    expect(rows).toEqual([
      {
        id: body.posts[0]?.id,
        schedule_id: body.schedule_id,
        content_id: contentId,
        platform: "instagram",
        scheduled_at: at,
        status: "pending",
      },
      {
        id: body.posts[1]?.id,
        schedule_id: body.schedule_id,
        content_id: contentId,
        platform: "twitter",
        scheduled_at: at,
        status: "pending",
      },
    ]);
  });

  it("marks the content scheduled at that time on the union of its platforms", async () => {
    const contentId = await newContent(ws, ["linkedin"]);
    const at = seconds(inHours(5));
    await scheduled(ws, { content_id: contentId, platforms: ["webhook"], scheduled_at: at });
    const res = await api(`/content/${contentId}`, { token: ws.token });
    expect(await json(res)).toMatchObject({
      status: "scheduled",
      scheduled_at: at,
      platforms: ["linkedin", "webhook"],
    });
  });

  it("stores a time with an offset as UTC", async () => {
    const contentId = await newContent(ws);
    const body = await scheduled(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: `${dayAhead(30)}T10:00:00+05:30`,
    });
    expect(body.scheduled_at).toBe(`${dayAhead(30)}T04:30:00Z`);
    const rows = (await listPosts(ws, "?per_page=100")).scheduled_posts;
    const row = rows.find((p) => p.content_id === contentId);
    expect(row?.scheduled_at).toBe(`${dayAhead(30)}T04:30:00Z`);
  });

  it("accepts a time a few seconds in the past, within the grace period", async () => {
    const contentId = await newContent(ws);
    const at = new Date(Date.now() - 10_000).toISOString();
    const body = await scheduled(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: at,
    });
    expect(body.scheduled_at).toBe(seconds(at));
  });

  it("refuses a time beyond the 60 s grace period with 422 naming scheduled_at", async () => {
    const contentId = await newContent(ws);
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    const res = await schedule(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: at,
    });
    await expectFieldError(res, 422, "validation_failed", "scheduled_at");
    expect(await contentStatus(ws, contentId)).toBe("draft");
  });

  it("refuses a time more than a year ahead with 422", async () => {
    const contentId = await newContent(ws);
    const res = await schedule(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: inHours(24 * 367),
    });
    await expectFieldError(res, 422, "validation_failed", "scheduled_at");
  });

  it.each([
    ["a date without a zone", "2027-01-01T10:00:00"],
    ["words", "next tuesday"],
    ["a number", 1798771200000],
  ])("refuses scheduled_at given as %s", async (_name, value) => {
    const contentId = await newContent(ws);
    const res = await schedule(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: value,
    });
    await expectFieldError(res, 422, "validation_failed", "scheduled_at");
  });

  it("refuses an unknown content id with 422 naming content_id", async () => {
    const res = await schedule(ws, {
      content_id: "cnt_doesnotexist",
      platforms: ["instagram"],
      scheduled_at: inHours(2),
    });
    await expectFieldError(res, 422, "validation_failed", "content_id");
  });

  it("refuses another workspace's content id exactly like an unknown one", async () => {
    const other = await createWorkspace();
    const foreign = await newContent(other);
    const res = await schedule(ws, {
      content_id: foreign,
      platforms: ["instagram"],
      scheduled_at: inHours(2),
    });
    await expectFieldError(res, 422, "validation_failed", "content_id");
    expect((await listPosts(other)).pagination.total).toBe(0);
    expect(await contentStatus(other, foreign)).toBe("draft");
  });

  it("refuses deleted content with 422 naming content_id", async () => {
    const contentId = await newContent(ws);
    await api(`/content/${contentId}`, { method: "DELETE", token: ws.token });
    const res = await schedule(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: inHours(2),
    });
    await expectFieldError(res, 422, "validation_failed", "content_id");
  });

  it.each([
    ["an unknown platform", ["instagram", "myspace"]],
    ["an empty list", []],
    ["a repeated platform", ["twitter", "twitter"]],
  ])("refuses %s with 422 naming platforms", async (_name, platforms) => {
    const contentId = await newContent(ws);
    const res = await schedule(ws, { content_id: contentId, platforms, scheduled_at: inHours(2) });
    await expectFieldError(res, 422, "validation_failed", "platforms");
  });

  it("refuses unknown fields and missing ones, naming each", async () => {
    const res = await schedule(ws, { platforms: ["instagram"], when: "soon" });
    await expectFieldError(res, 422, "validation_failed", "content_id", "scheduled_at", "when");
  });

  it.each([["published"], ["archived"]])(
    "refuses to schedule %s content with 409",
    async (status) => {
      const contentId = await newContent(ws);
      if (status === "published") {
        await markPublished(contentId);
      } else {
        const put = await api(`/content/${contentId}`, {
          method: "PUT",
          token: ws.token,
          body: { status },
        });
        expect(put.status).toBe(200);
      }
      const res = await schedule(ws, {
        content_id: contentId,
        platforms: ["instagram"],
        scheduled_at: inHours(2),
      });
      await expectError(res, 409, "invalid_transition");
      expect(await contentStatus(ws, contentId)).toBe(status);
      const rows = (await listPosts(ws, "?per_page=100")).scheduled_posts;
      expect(rows.filter((p) => p.content_id === contentId)).toEqual([]);
    },
  );

  it("replaces the earlier pending post on a platform scheduled again", async () => {
    const own = await createWorkspace();
    const contentId = await newContent(own, ["instagram", "twitter"]);
    const first = await scheduled(own, {
      content_id: contentId,
      platforms: ["instagram", "twitter"],
      scheduled_at: inHours(3),
    });
    const secondAt = seconds(inHours(9));
    const second = await scheduled(own, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: secondAt,
    });
    expect(second.schedule_id).not.toBe(first.schedule_id);

    const pending = (await listPosts(own, "?status=pending")).scheduled_posts;
    expect(pending.map((p) => [p.platform, p.schedule_id]).sort()).toEqual([
      ["instagram", second.schedule_id],
      ["twitter", first.schedule_id],
    ]);
    const cancelled = (await listPosts(own, "?status=cancelled")).scheduled_posts;
    expect(cancelled).toEqual([
      expect.objectContaining({
        id: first.posts.find((p) => p.platform === "instagram")?.id,
        status: "cancelled",
      }),
    ]);
  });

  it("refuses a token without schedule:write with 403", async () => {
    const reader = await createWorkspace({ scopes: ["content:read", "content:write"] });
    const contentId = await newContent(reader);
    const res = await schedule(reader, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: inHours(2),
    });
    await expectError(res, 403, "forbidden");
  });
});

describe("POST /schedule accounts", () => {
  it("posts through the accounts named in account_ids", async () => {
    const own = await createWorkspace({ accounts: [] });
    await connectAccounts(own, ["twitter"]);
    const [second] = await connectAccounts(own, ["twitter"], { isDefault: false });
    const contentId = await newContent(own, ["linkedin"]);
    const body = await scheduled(own, {
      content_id: contentId,
      account_ids: [second?.id],
      scheduled_at: inHours(4),
    });
    expect(body.platforms).toEqual(["twitter"]);
    expect(body.posts).toEqual([
      { id: expect.any(String), platform: "twitter", account_id: second?.id },
    ]);
    const detail = await api(`/schedule/${body.posts[0]?.id}`, { token: own.token });
    expect(detail.status).toBe(200);
    expect(await json(detail)).toMatchObject({
      platform: "twitter",
      account_id: second?.id,
      status: "pending",
    });
    const content = await json(await api(`/content/${contentId}`, { token: own.token }));
    expect(content).toMatchObject({ status: "scheduled", platforms: ["linkedin", "twitter"] });
  });

  it("uses the default account for each platform no account_id covers", async () => {
    const own = await createWorkspace({ accounts: [] });
    const [, linkedin] = await connectAccounts(own, ["twitter", "linkedin"]);
    const [second] = await connectAccounts(own, ["twitter"], { isDefault: false });
    const contentId = await newContent(own, ["twitter"]);
    const body = await scheduled(own, {
      content_id: contentId,
      platforms: ["twitter", "linkedin"],
      account_ids: [second?.id],
      scheduled_at: inHours(4),
    });
    const byPlatform = Object.fromEntries(body.posts.map((p) => [p.platform, p.account_id]));
    expect(byPlatform).toEqual({ twitter: second?.id, linkedin: linkedin?.id });
  });

  it("refuses a platform the workspace has not connected with 422 naming platforms", async () => {
    const own = await createWorkspace({ accounts: ["twitter"] });
    const contentId = await newContent(own, ["twitter"]);
    const res = await schedule(own, {
      content_id: contentId,
      platforms: ["linkedin"],
      scheduled_at: inHours(4),
    });
    const body = await expectFieldError(res, 422, "validation_failed", "platforms");
    expect(body.error.details).toEqual({
      fields: [{ field: "platforms", message: "linkedin is not connected to this workspace" }],
    });
    expect(await contentStatus(own, contentId)).toBe("draft");
    expect(await postsOf(own, contentId)).toEqual([]);
  });

  it("refuses a platform whose account needs re-authorising with 422", async () => {
    const own = await createWorkspace({ accounts: [] });
    await connectAccounts(own, ["twitter"], { status: "needs_reauth" });
    const contentId = await newContent(own, ["twitter"]);
    const res = await schedule(own, {
      content_id: contentId,
      platforms: ["twitter"],
      scheduled_at: inHours(4),
    });
    const body = await expectFieldError(res, 422, "validation_failed", "platforms");
    expect(JSON.stringify(body.error.details)).toContain("needs re-authorising");
    expect(await contentStatus(own, contentId)).toBe("draft");
    expect(await postsOf(own, contentId)).toEqual([]);
  });

  it("refuses a named account that needs re-authorising with 422 naming account_ids", async () => {
    const own = await createWorkspace({ accounts: ["twitter"] });
    const [stale] = await connectAccounts(own, ["twitter"], {
      isDefault: false,
      status: "needs_reauth",
    });
    const contentId = await newContent(own, ["twitter"]);
    const res = await schedule(own, {
      content_id: contentId,
      account_ids: [stale?.id],
      scheduled_at: inHours(4),
    });
    await expectFieldError(res, 422, "validation_failed", "account_ids");
    expect(await postsOf(own, contentId)).toEqual([]);
  });

  it("refuses an account id that does not exist with 422 naming account_ids", async () => {
    const contentId = await newContent(ws, ["twitter"]);
    const res = await schedule(ws, {
      content_id: contentId,
      account_ids: ["acc_missing"],
      scheduled_at: inHours(4),
    });
    await expectFieldError(res, 422, "validation_failed", "account_ids");
    expect(await postsOf(ws, contentId)).toEqual([]);
  });

  it("refuses a body with neither platforms nor account_ids", async () => {
    const contentId = await newContent(ws, ["twitter"]);
    const res = await schedule(ws, { content_id: contentId, scheduled_at: inHours(4) });
    await expectFieldError(res, 422, "validation_failed", "platforms");
  });
});

describe("POST /schedule platform rules", () => {
  const at = () => inHours(4);

  it("refuses Instagram without media with 422 naming media", async () => {
    const contentId = await newContent(ws, ["instagram"], "No picture", {});
    const res = await schedule(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: at(),
    });
    const body = await expectFieldError(res, 422, "validation_failed", "media");
    expect(body.error.details).toEqual({
      fields: [{ field: "media", message: "instagram: Instagram needs an image or a video" }],
    });
    expect(await contentStatus(ws, contentId)).toBe("draft");
    expect(await postsOf(ws, contentId)).toEqual([]);
  });

  it("refuses more than one media item on Instagram", async () => {
    const contentId = await newContent(ws, ["instagram"], "Carousel", {
      media: [IMAGE, { url: "https://cdn.example.test/b.jpg", type: "image" }],
    });
    const res = await schedule(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: at(),
    });
    const body = await expectFieldError(res, 422, "validation_failed", "media");
    expect(JSON.stringify(body.error.details)).toContain("carousels are not supported");
  });

  it("accepts 30 hashtags on Instagram and refuses 31", async () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `#tag${i}`).join(" ");
    const ok = await newContent(ws, ["instagram"], "Tags", {
      media: [IMAGE],
      description: tags(30),
    });
    await scheduled(ws, { content_id: ok, platforms: ["instagram"], scheduled_at: at() });

    const tooMany = await newContent(ws, ["instagram"], "Tags", {
      media: [IMAGE],
      description: tags(31),
    });
    const res = await schedule(ws, {
      content_id: tooMany,
      platforms: ["instagram"],
      scheduled_at: at(),
    });
    const body = await expectFieldError(res, 422, "validation_failed", "text");
    expect(JSON.stringify(body.error.details)).toContain("at most 30 hashtags");
    expect(await postsOf(ws, tooMany)).toEqual([]);
  });

  it("refuses an Instagram caption over 2200 characters", async () => {
    // The caption is the title, a blank line, then the description: 1 + 2 + 2198 = 2201.
    const contentId = await newContent(ws, ["instagram"], "T", {
      media: [IMAGE],
      description: "a".repeat(2198),
    });
    const res = await schedule(ws, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: at(),
    });
    const body = await expectFieldError(res, 422, "validation_failed", "text");
    expect(JSON.stringify(body.error.details)).toContain("2201");
  });

  it("accepts 280 characters on X and refuses 281 with 422", async () => {
    // The post text is the title, a blank line, then the description: 1 + 2 + 277 = 280.
    const fits = await newContent(ws, ["twitter"], "T", { description: "a".repeat(277) });
    await scheduled(ws, { content_id: fits, platforms: ["twitter"], scheduled_at: at() });

    const long = await newContent(ws, ["twitter"], "T", { description: "a".repeat(278) });
    const res = await schedule(ws, {
      content_id: long,
      platforms: ["twitter"],
      scheduled_at: at(),
    });
    const body = await expectFieldError(res, 422, "validation_failed", "text");
    expect(body.error.details).toEqual({
      fields: [
        {
          field: "text",
          message: "twitter: X allows 280 characters as X counts them; this has 281",
        },
      ],
    });
    expect(await contentStatus(ws, long)).toBe("draft");
    expect(await postsOf(ws, long)).toEqual([]);
  });

  it("refuses more than 3000 characters on LinkedIn", async () => {
    const fits = await newContent(ws, ["linkedin"], "T", { description: "a".repeat(2997) });
    await scheduled(ws, { content_id: fits, platforms: ["linkedin"], scheduled_at: at() });
    const long = await newContent(ws, ["linkedin"], "T", { description: "a".repeat(2998) });
    const res = await schedule(ws, {
      content_id: long,
      platforms: ["linkedin"],
      scheduled_at: at(),
    });
    const body = await expectFieldError(res, 422, "validation_failed", "text");
    expect(JSON.stringify(body.error.details)).toContain("3001");
  });

  it("checks only the platforms being scheduled", async () => {
    // Instagram is on the content but not in this schedule, so its media rule does not apply.
    const contentId = await newContent(ws, ["instagram"], "Later for Instagram", {});
    const body = await scheduled(ws, {
      content_id: contentId,
      platforms: ["twitter"],
      scheduled_at: at(),
    });
    expect(body.posts.map((p) => p.platform)).toEqual(["twitter"]);
  });
});

describe("GET /schedule", () => {
  let own: Workspace;
  let contentId: string;
  const date = (n: number) => dayAhead(10 + n);
  const day = (n: number) => `${date(n)}T12:00:00Z`;

  beforeAll(async () => {
    own = await createWorkspace();
    contentId = await newContent(own, ["instagram"]);
    const other = await newContent(own, ["twitter"]);
    // Jan 2 instagram+twitter, Jan 4 linkedin, Jan 6 twitter (other content), and a
    // cancelled instagram post on Jan 3 replaced by Jan 2.
    await scheduled(own, {
      content_id: contentId,
      platforms: ["instagram"],
      scheduled_at: day(3),
    });
    await scheduled(own, {
      content_id: contentId,
      platforms: ["instagram", "twitter"],
      scheduled_at: day(2),
    });
    await scheduled(own, { content_id: contentId, platforms: ["linkedin"], scheduled_at: day(4) });
    await scheduled(own, { content_id: other, platforms: ["twitter"], scheduled_at: day(6) });
  });

  const summary = (body: PostList) =>
    body.scheduled_posts.map((p) => `${p.scheduled_at.slice(0, 10)} ${p.platform} ${p.status}`);

  it("lists every post soonest first", async () => {
    const body = await listPosts(own);
    expect(body.pagination.total).toBe(5);
    const rows = summary(body);
    expect(rows.slice(0, 2).sort()).toEqual([
      `${date(2)} instagram pending`,
      `${date(2)} twitter pending`,
    ]);
    expect(rows.slice(2)).toEqual([
      `${date(3)} instagram cancelled`,
      `${date(4)} linkedin pending`,
      `${date(6)} twitter pending`,
    ]);
  });

  it("filters by status", async () => {
    expect(summary(await listPosts(own, "?status=cancelled"))).toEqual([
      `${date(3)} instagram cancelled`,
    ]);
    expect((await listPosts(own, "?status=pending")).pagination.total).toBe(4);
    expect((await listPosts(own, "?status=published")).scheduled_posts).toEqual([]);
  });

  it("filters by platform", async () => {
    expect(summary(await listPosts(own, "?platform=twitter"))).toEqual([
      `${date(2)} twitter pending`,
      `${date(6)} twitter pending`,
    ]);
    expect((await listPosts(own, "?platform=webhook")).pagination.total).toBe(0);
  });

  it("filters by a from-inclusive, to-exclusive time range", async () => {
    const from = encodeURIComponent(day(3));
    const to = encodeURIComponent(day(6));
    expect(summary(await listPosts(own, `?from=${from}&to=${to}`))).toEqual([
      `${date(3)} instagram cancelled`,
      `${date(4)} linkedin pending`,
    ]);
    expect((await listPosts(own, `?from=${encodeURIComponent(day(5))}`)).pagination.total).toBe(1);
    expect((await listPosts(own, `?to=${encodeURIComponent(day(3))}`)).pagination.total).toBe(2);
  });

  it("accepts range bounds with an offset", async () => {
    // 17:30 at +05:30 is 12:00Z, the linkedin post's instant.
    const from = encodeURIComponent(`${date(4)}T17:30:00+05:30`);
    expect(summary(await listPosts(own, `?from=${from}&platform=linkedin`))).toEqual([
      `${date(4)} linkedin pending`,
    ]);
  });

  it("combines filters", async () => {
    const from = encodeURIComponent(day(1));
    const body = await listPosts(own, `?status=pending&platform=instagram&from=${from}`);
    expect(summary(body)).toEqual([`${date(2)} instagram pending`]);
    expect(body.scheduled_posts[0]?.content_id).toBe(contentId);
  });

  it("pages through the posts", async () => {
    const whole = (await listPosts(own)).scheduled_posts.map((p) => p.id);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const body = await listPosts(own, `?per_page=2&page=${page}`);
      expect(body.pagination).toEqual({ page, per_page: 2, total: 5 });
      seen.push(...body.scheduled_posts.map((p) => p.id));
    }
    expect(seen).toEqual(whole);
    const past = await listPosts(own, "?per_page=2&page=4");
    expect(past).toEqual({ scheduled_posts: [], pagination: { page: 4, per_page: 2, total: 5 } });
  });

  it.each([
    ["page", "0"],
    ["per_page", "101"],
    ["per_page", "1e3"],
    ["status", "done"],
    ["platform", "myspace"],
    ["from", "yesterday"],
    ["to", "2027-01-01"],
  ])("refuses %s=%s with 400 invalid_query", async (field, value) => {
    const res = await api(`/schedule?${field}=${value}`, { token: own.token });
    await expectFieldError(res, 400, "invalid_query", field);
  });

  it("refuses a from after to with 400", async () => {
    const from = encodeURIComponent(day(5));
    const to = encodeURIComponent(day(4));
    const res = await api(`/schedule?from=${from}&to=${to}`, { token: own.token });
    await expectFieldError(res, 400, "invalid_query", "from");
  });
});
