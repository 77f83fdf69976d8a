import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ContentActivity,
  growthRate,
  hashtagsOf,
  topicsOf,
  trendingHashtags,
  trendingTopics,
} from "../src/services/trends";
import { expectError, expectFieldError } from "./helpers/api-errors";
import { api, createWorkspace, inHours, json, type Workspace } from "./helpers/fixtures";

type Performance = {
  engagement_rate: number;
  reach: number;
  impressions: number;
  clicks: number;
  engagements: number;
  period: string;
  from: string;
  to: string;
};
type Trends = {
  trending_topics: { topic: string; growth_rate: number; volume: number }[];
  trending_hashtags: { hashtag: string; usage_count: number; engagement_score: number }[];
  period: string;
};
type Metric = {
  content_id: string;
  platform: string;
  recorded_at: string;
  impressions?: number;
  reach?: number;
  clicks?: number;
  likes?: number;
  comments?: number;
  shares?: number;
  saves?: number;
};

async function newContent(ws: Workspace, title: string, description = "") {
  const res = await api("/content", {
    method: "POST",
    token: ws.token,
    body: { title, description, platforms: ["instagram", "twitter"] },
  });
  expect(res.status).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

function ingest(ws: Workspace, metrics: unknown[]) {
  return api("/analytics/metrics", { method: "POST", token: ws.token, body: { metrics } });
}

async function ingested(ws: Workspace, metrics: Metric[]) {
  const res = await ingest(ws, metrics);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  expect(JSON.parse(text)).toEqual({ accepted: metrics.length });
}

async function performance(ws: Workspace, query = ""): Promise<Performance> {
  const res = await api(`/analytics/performance${query}`, { token: ws.token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Performance;
}

async function trends(ws: Workspace, query = ""): Promise<Trends> {
  const res = await api(`/analytics/trends${query}`, { token: ws.token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Trends;
}

async function storedMetricRows(workspaceId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM post_metrics WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

const ZERO = { engagement_rate: 0, reach: 0, impressions: 0, clicks: 0, engagements: 0 };

describe("analytics of an empty workspace", () => {
  let empty: Workspace;

  beforeAll(async () => {
    empty = await createWorkspace();
  });

  it("reports zero performance", async () => {
    expect(await performance(empty)).toMatchObject({ ...ZERO, period: "7d" });
  });

  it("reports no trends", async () => {
    expect(await trends(empty)).toEqual({
      trending_topics: [],
      trending_hashtags: [],
      period: "7d",
    });
  });

  it("reports no trends when content exists but has no metrics", async () => {
    await newContent(empty, "Quiet launch", "#Silence is golden");
    const body = await trends(empty, "?period=30d");
    expect(body.trending_topics).toEqual([]);
    expect(body.trending_hashtags).toEqual([]);
  });
});

describe("GET /analytics/performance", () => {
  let ws: Workspace;
  let alpha: string;
  let beta: string;

  beforeAll(async () => {
    ws = await createWorkspace();
    alpha = await newContent(ws, "Alpha");
    beta = await newContent(ws, "Beta");
    await ingested(ws, [
      {
        content_id: alpha,
        platform: "instagram",
        recorded_at: inHours(-1),
        impressions: 1000,
        reach: 800,
        clicks: 30,
        likes: 40,
        comments: 5,
        shares: 3,
        saves: 2,
      },
      {
        content_id: alpha,
        platform: "twitter",
        recorded_at: inHours(-48),
        impressions: 2000,
        reach: 1500,
        clicks: 50,
        likes: 60,
        comments: 10,
        shares: 4,
        saves: 1,
      },
      {
        content_id: beta,
        platform: "instagram",
        recorded_at: inHours(-3),
        impressions: 500,
        reach: 450,
        clicks: 7,
        likes: 11,
        saves: 1,
      },
      // Ten days ago: outside 7d, inside 30d.
      {
        content_id: alpha,
        platform: "instagram",
        recorded_at: inHours(-240),
        impressions: 9000,
        reach: 7000,
        clicks: 900,
        likes: 100,
      },
    ]);
  });

  it("sums the last 7 days by default", async () => {
    const body = await performance(ws);
    // Engagements: (40+5+3+2+30) + (60+10+4+1+50) + (11+1+7) = 80 + 125 + 19 = 224.
    expect(body).toMatchObject({
      period: "7d",
      impressions: 3500,
      reach: 2750,
      clicks: 87,
      engagements: 224,
      engagement_rate: 6.4,
    });
    const span = Date.parse(body.to) - Date.parse(body.from);
    expect(Math.abs(span - 7 * 86_400_000)).toBeLessThanOrEqual(1000);
    expect(Math.abs(Date.parse(body.to) - Date.now())).toBeLessThan(60_000);
  });

  it("leaves out rows older than a 24h period", async () => {
    expect(await performance(ws, "?period=24h")).toMatchObject({
      period: "24h",
      impressions: 1500,
      reach: 1250,
      clicks: 37,
      engagements: 99,
      engagement_rate: 6.6,
    });
  });

  it("takes in older rows over 30 days", async () => {
    // 1224 engagements over 12500 impressions is 9.792 %.
    expect(await performance(ws, "?period=30d")).toMatchObject({
      period: "30d",
      impressions: 12500,
      reach: 9750,
      clicks: 987,
      engagements: 1224,
      engagement_rate: 9.79,
    });
  });

  it("filters by platform", async () => {
    expect(await performance(ws, "?platform=instagram")).toMatchObject({
      impressions: 1500,
      reach: 1250,
      clicks: 37,
      engagement_rate: 6.6,
    });
    expect(await performance(ws, "?platform=linkedin")).toMatchObject(ZERO);
  });

  it("filters by content and rounds the rate to two decimals", async () => {
    // 205 / 3000 = 6.8333… %
    expect(await performance(ws, `?content_id=${alpha}`)).toMatchObject({
      impressions: 3000,
      reach: 2300,
      clicks: 80,
      engagements: 205,
      engagement_rate: 6.83,
    });
    expect(await performance(ws, `?content_id=${alpha}&platform=twitter`)).toMatchObject({
      impressions: 2000,
      engagement_rate: 6.25,
    });
    expect(await performance(ws, `?content_id=${beta}&period=24h`)).toMatchObject({
      impressions: 500,
      engagements: 19,
      engagement_rate: 3.8,
    });
  });

  it("answers 404 for an unknown content_id filter", async () => {
    const res = await api("/analytics/performance?content_id=cnt_unknown", { token: ws.token });
    await expectError(res, 404, "not_found");
  });

  it.each([
    ["period", "bogus"],
    ["period", "7"],
    ["platform", "myspace"],
  ])("refuses %s=%s with 400 invalid_query", async (field, value) => {
    const res = await api(`/analytics/performance?${field}=${value}`, { token: ws.token });
    await expectFieldError(res, 400, "invalid_query", field);
  });

  it("adds a second ingest to the first rather than replacing it", async () => {
    const own = await createWorkspace();
    const id = await newContent(own, "Twice counted");
    const row = { content_id: id, platform: "instagram", recorded_at: inHours(-2) };
    await ingested(own, [{ ...row, impressions: 100, likes: 3 }]);
    await ingested(own, [{ ...row, impressions: 300, clicks: 1 }]);
    expect(await performance(own)).toMatchObject({
      impressions: 400,
      clicks: 1,
      engagements: 4,
      engagement_rate: 1,
    });
  });
});

describe("POST /analytics/metrics", () => {
  let ws: Workspace;
  let own: string;
  let foreign: string;

  beforeAll(async () => {
    ws = await createWorkspace();
    own = await newContent(ws, "Mine");
    const other = await createWorkspace();
    foreign = await newContent(other, "Theirs");
  });

  it("stores nothing when one row names another workspace's content", async () => {
    const res = await ingest(ws, [
      { content_id: own, platform: "instagram", recorded_at: inHours(-1), impressions: 10 },
      { content_id: foreign, platform: "instagram", recorded_at: inHours(-1), impressions: 99 },
    ]);
    await expectFieldError(res, 422, "validation_failed", "metrics.1.content_id");
    expect(await storedMetricRows(ws.workspaceId)).toBe(0);
    expect(await performance(ws)).toMatchObject(ZERO);
  });

  it("stores nothing when one row names content that does not exist", async () => {
    const res = await ingest(ws, [
      { content_id: "cnt_nope", platform: "twitter", recorded_at: inHours(-1), clicks: 1 },
    ]);
    await expectFieldError(res, 422, "validation_failed", "metrics.0.content_id");
    expect(await storedMetricRows(ws.workspaceId)).toBe(0);
  });

  it.each([
    ["a negative count", { likes: -1 }, "metrics.0.likes"],
    ["a fractional count", { impressions: 1.5 }, "metrics.0.impressions"],
    ["a count given as text", { reach: "10" }, "metrics.0.reach"],
    ["an unknown platform", { platform: "myspace" }, "metrics.0.platform"],
    ["a recorded_at without a zone", { recorded_at: "2026-01-01T00:00:00" }, "metrics.0"],
    ["an unknown field", { views: 3 }, "metrics.0.views"],
  ])("refuses %s with 422 and stores nothing", async (_name, change, field) => {
    const row = { content_id: own, platform: "instagram", recorded_at: inHours(-1), ...change };
    await expectFieldError(await ingest(ws, [row]), 422, "validation_failed", field);
    expect(await storedMetricRows(ws.workspaceId)).toBe(0);
  });

  it("refuses activity recorded in the future", async () => {
    const row = { content_id: own, platform: "instagram", recorded_at: inHours(1), likes: 1 };
    const res = await ingest(ws, [row]);
    await expectFieldError(res, 422, "validation_failed", "metrics.0.recorded_at");
    expect(await storedMetricRows(ws.workspaceId)).toBe(0);
  });

  it("refuses an empty list", async () => {
    await expectFieldError(await ingest(ws, []), 422, "validation_failed", "metrics");
  });

  it("stores a batch larger than one insert statement in full", async () => {
    const big = await createWorkspace();
    const id = await newContent(big, "Busy");
    const rows = Array.from({ length: 23 }, (_, i) => ({
      content_id: id,
      platform: "twitter",
      recorded_at: inHours(-1 - i),
      impressions: 10,
      clicks: 1,
    }));
    await ingested(big, rows);
    expect(await storedMetricRows(big.workspaceId)).toBe(23);
    expect(await performance(big)).toMatchObject({ impressions: 230, clicks: 23 });
  });
});

describe("GET /analytics/trends", () => {
  it("scores hashtags against the best one and counts the content using them", async () => {
    const ws = await createWorkspace();
    const summer = await newContent(ws, "Summer drop", "Big news #Summer #Eco");
    const winter = await newContent(ws, "Winter sale", "Cosy deals #eco");
    const old = await newContent(ws, "Old post", "#Vintage");
    await newContent(ws, "Never seen", "#Unseen");
    await ingested(ws, [
      // 100 / 2000 = 5 %.
      { content_id: summer, platform: "instagram", recorded_at: inHours(-1), impressions: 2000 },
      { content_id: summer, platform: "twitter", recorded_at: inHours(-2), likes: 100 },
      // 20 / 1000 = 2 %.
      {
        content_id: winter,
        platform: "instagram",
        recorded_at: inHours(-5),
        impressions: 1000,
        clicks: 20,
      },
      // Previous window only: not trending now.
      { content_id: old, platform: "instagram", recorded_at: inHours(-200), impressions: 50 },
    ]);

    const body = await trends(ws);
    // #eco: 120 / 3000 = 4 %, so 80 against #Summer's 5 %.
    expect(body.trending_hashtags).toEqual([
      { hashtag: "#Summer", usage_count: 1, engagement_score: 100 },
      { hashtag: "#Eco", usage_count: 2, engagement_score: 80 },
    ]);
    expect(body.period).toBe("7d");
  });

  describe("topics", () => {
    let ws: Workspace;

    beforeAll(async () => {
      ws = await createWorkspace();
      const fashion = await newContent(ws, "Sustainable fashion");
      const travel = await newContent(ws, "Eco travel");
      const coats = await newContent(ws, "Winter coats");
      const retro = await newContent(ws, "Retro gaming");
      const row = (content_id: string, hoursAgo: number, impressions: number) => ({
        content_id,
        platform: "instagram",
        recorded_at: inHours(-hoursAgo),
        impressions,
      });
      await ingested(ws, [
        row(fashion, 1, 1500),
        row(fashion, 24 * 8, 1000),
        row(travel, 3, 300),
        row(coats, 24 * 3, 1000),
        row(coats, 24 * 10, 2000),
        row(retro, 24 * 9, 500),
      ]);
    });

    it("computes growth against the previous window and volume in the current one", async () => {
      const body = await trends(ws);
      expect(body.trending_topics).toEqual([
        { topic: "eco travel", growth_rate: 100, volume: 300 },
        { topic: "sustainable fashion", growth_rate: 50, volume: 1500 },
        { topic: "winter coats", growth_rate: -50, volume: 1000 },
      ]);
      expect(body.trending_hashtags).toEqual([]);
    });

    it("uses the windows of the requested period", async () => {
      const body = await trends(ws, "?period=24h");
      expect(body.period).toBe("24h");
      expect(body.trending_topics).toEqual([
        { topic: "sustainable fashion", growth_rate: 100, volume: 1500 },
        { topic: "eco travel", growth_rate: 100, volume: 300 },
      ]);
    });

    it("refuses an unknown period with 400", async () => {
      const res = await api("/analytics/trends?period=1y", { token: ws.token });
      await expectFieldError(res, 400, "invalid_query", "period");
    });
  });
});

describe("trends functions", () => {
  const item = (
    text: string,
    current: [number, number],
    previous: [number, number] = [0, 0],
  ): ContentActivity => ({
    text,
    current: { impressions: current[0], engagements: current[1] },
    previous: { impressions: previous[0], engagements: previous[1] },
  });

  describe("hashtagsOf", () => {
    it("keys tags case-insensitively and keeps the first spelling", () => {
      const tags = hashtagsOf("#Eco and #eco and #Fashion_2026, plus #café!");
      expect([...tags]).toEqual([
        ["#eco", "#Eco"],
        ["#fashion_2026", "#Fashion_2026"],
        ["#café", "#café"],
      ]);
    });

    it("finds nothing in text without tags", () => {
      expect(hashtagsOf("no tags here # alone").size).toBe(0);
    });
  });

  describe("topicsOf", () => {
    it("does not pair the last word of one line with the first of the next", () => {
      const terms = topicsOf("Summer Campaign\nLaunch day");
      expect(terms.has("summer campaign")).toBe(true);
      expect(terms.has("campaign launch")).toBe(false);
      expect(terms.has("launch day")).toBe(true);
    });

    it("keeps words and neighbouring pairs, dropping stopwords, numbers, links and tags", () => {
      const terms = topicsOf(
        "Launch of the year: Sustainable Fashion 2026 #Eco @brand https://example.test/x",
      );
      expect([...terms].sort()).toEqual([
        "fashion",
        "launch",
        "sustainable",
        "sustainable fashion",
        "year",
      ]);
    });

    it("does not pair words across punctuation, tags or stopwords", () => {
      const terms = topicsOf("green, energy #tag solar the power");
      expect(terms.has("green energy")).toBe(false);
      expect(terms.has("energy solar")).toBe(false);
      expect(terms.has("solar power")).toBe(false);
      expect([...terms].sort()).toEqual(["energy", "green", "power", "solar"]);
    });

    it("strips trailing apostrophes and hyphens and keeps inner ones", () => {
      expect([...topicsOf("kids' well-being")]).toEqual(["kids", "well-being", "kids well-being"]);
    });
  });

  describe("growthRate", () => {
    it.each([
      [150, 100, 50],
      [50, 100, -50],
      [1, 3, -66.7],
      [100, 0, 100],
      [0, 0, 0],
      [0, 10, -100],
    ])("from %d after %d is %d", (current, previous, expected) => {
      expect(growthRate(current, previous)).toBe(expected);
    });
  });

  describe("trendingTopics", () => {
    it("merges a word into its pair when it never appears alone", () => {
      expect(trendingTopics([item("Solar power", [200, 0], [100, 0])])).toEqual([
        { topic: "solar power", growth_rate: 100, volume: 200 },
      ]);
    });

    it("sums a word across items and orders by growth, then volume, then name", () => {
      const topics = trendingTopics([
        item("Solar power", [200, 0], [100, 0]),
        item("Solar panels", [100, 0], [100, 0]),
      ]);
      expect(topics).toEqual([
        { topic: "solar power", growth_rate: 100, volume: 200 },
        { topic: "solar", growth_rate: 50, volume: 300 },
        { topic: "solar panels", growth_rate: 0, volume: 100 },
      ]);
    });

    it("leaves out topics with no volume now and keeps the top ten", () => {
      const items = Array.from({ length: 12 }, (_, i) =>
        item(`topic${String.fromCharCode(97 + i)}`, [100 + i, 0]),
      );
      items.push(item("faded", [0, 0], [500, 0]));
      const topics = trendingTopics(items);
      expect(topics).toHaveLength(10);
      expect(topics[0]).toEqual({ topic: "topicl", growth_rate: 100, volume: 111 });
      expect(topics.map((t) => t.topic)).not.toContain("faded");
    });
  });

  describe("trendingHashtags", () => {
    it("scores each tag's engagement rate relative to the best, 0 to 100", () => {
      const tags = trendingHashtags([
        item("#A #b", [1000, 50]),
        item("#B", [1000, 10]),
        item("#C", [1000, 0]),
        item("#Idle", [0, 0], [1000, 900]),
      ]);
      // #A 5 %, #b 60 / 2000 = 3 %, #C 0 %.
      expect(tags).toEqual([
        { hashtag: "#A", usage_count: 1, engagement_score: 100 },
        { hashtag: "#b", usage_count: 2, engagement_score: 60 },
        { hashtag: "#C", usage_count: 1, engagement_score: 0 },
      ]);
    });

    it("scores every tag 0 when nothing was engaged with", () => {
      expect(trendingHashtags([item("#Quiet", [100, 0])])).toEqual([
        { hashtag: "#Quiet", usage_count: 1, engagement_score: 0 },
      ]);
    });

    it("keeps the top ten", () => {
      const items = Array.from({ length: 15 }, (_, i) => item(`#t${i}`, [100, i]));
      const tags = trendingHashtags(items);
      expect(tags).toHaveLength(10);
      expect(tags[0]).toEqual({ hashtag: "#t14", usage_count: 1, engagement_score: 100 });
      expect(tags.at(-1)?.hashtag).toBe("#t5");
    });
  });
});
