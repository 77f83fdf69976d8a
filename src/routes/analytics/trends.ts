import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, gt, isNull, lte, sql } from "drizzle-orm";
import { content, postMetrics } from "../../db/schema";
import { authorize } from "../../middleware/authenticate";
import { PERIODS, windows } from "../../services/analytics-window";
import { type ContentActivity, trendingHashtags, trendingTopics } from "../../services/trends";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";

// Bounded so one request's work stays bounded; the busiest items are the ones kept.
const MAX_ITEMS = 2000;

const Trends = z
  .object({
    trending_topics: z.array(
      z.object({ topic: z.string(), growth_rate: z.number(), volume: z.number().int() }),
    ),
    trending_hashtags: z.array(
      z.object({
        hashtag: z.string(),
        usage_count: z.number().int(),
        engagement_score: z.number().int(),
      }),
    ),
    period: z.enum(PERIODS),
  })
  .openapi("Trends");

const route = createRoute({
  method: "get",
  path: "/analytics/trends",
  tags: ["Analytics"],
  summary: "Topics and hashtags of the workspace's content, this period against the last",
  security: [{ bearer: [] }],
  middleware: authorize("analytics:read"),
  request: { query: z.object({ period: z.enum(PERIODS).optional().default("7d") }) },
  responses: {
    200: jsonResponse(Trends, "Trending topics and hashtags"),
    ...errorResponses(400, 403),
  },
});

export const trendsRoute = createRouter().openapi(route, async (c) => {
  const { period } = c.req.valid("query");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const { currentStart, previousStart, end } = windows(period, Date.now());

  const inCurrent = sql`${postMetrics.recordedAt} > ${currentStart}`;
  const engagements = sql`(${postMetrics.likes} + ${postMetrics.comments} + ${postMetrics.shares}
    + ${postMetrics.saves} + ${postMetrics.clicks})`;
  const impressions = postMetrics.impressions;
  const rows = await db
    .select({
      title: content.title,
      description: content.description,
      curImpressions: sql<number>`sum(case when ${inCurrent} then ${impressions} else 0 end)`,
      curEngagements: sql<number>`sum(case when ${inCurrent} then ${engagements} else 0 end)`,
      prevImpressions: sql<number>`sum(case when ${inCurrent} then 0 else ${impressions} end)`,
      prevEngagements: sql<number>`sum(case when ${inCurrent} then 0 else ${engagements} end)`,
    })
    .from(postMetrics)
    .innerJoin(
      content,
      // Deleted content keeps its figures in performance totals but stops trending.
      and(
        eq(content.id, postMetrics.contentId),
        eq(content.workspaceId, postMetrics.workspaceId),
        isNull(content.deletedAt),
      ),
    )
    .where(
      and(
        eq(postMetrics.workspaceId, workspaceId),
        gt(postMetrics.recordedAt, previousStart),
        lte(postMetrics.recordedAt, end),
      ),
    )
    .groupBy(postMetrics.contentId)
    .orderBy(sql`sum(${postMetrics.impressions}) desc`)
    .limit(MAX_ITEMS);

  const items: ContentActivity[] = rows.map((r) => ({
    text: `${r.title}\n${r.description}`,
    current: { impressions: Number(r.curImpressions), engagements: Number(r.curEngagements) },
    previous: { impressions: Number(r.prevImpressions), engagements: Number(r.prevEngagements) },
  }));

  return c.json(
    { trending_topics: trendingTopics(items), trending_hashtags: trendingHashtags(items), period },
    200,
  );
});
