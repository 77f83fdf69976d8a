import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, gt, lte, type SQL, sql } from "drizzle-orm";
import { postMetrics } from "../../db/schema";
import { authorize } from "../../middleware/authenticate";
import { PLATFORMS } from "../../platforms/supported";
import { engagementRate, PERIODS, windows } from "../../services/analytics-window";
import { findContent } from "../../services/content-lookup";
import { toIso } from "../../time";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";

const PerformanceQuery = z.object({
  period: z.enum(PERIODS).optional().default("7d"),
  platform: z.enum(PLATFORMS).optional(),
  content_id: z.string().max(64).optional(),
});

const Performance = z
  .object({
    engagement_rate: z.number().openapi({ example: 4.2 }),
    reach: z.number().int().openapi({ example: 125000 }),
    impressions: z.number().int().openapi({ example: 340000 }),
    clicks: z.number().int().openapi({ example: 8500 }),
    engagements: z.number().int(),
    period: z.enum(PERIODS),
    from: z.string(),
    to: z.string(),
  })
  .openapi("Performance");

const route = createRoute({
  method: "get",
  path: "/analytics/performance",
  tags: ["Analytics"],
  summary: "Reach, impressions, clicks and engagement rate over a period",
  security: [{ bearer: [] }],
  middleware: authorize("analytics:read"),
  request: { query: PerformanceQuery },
  responses: {
    200: jsonResponse(Performance, "Totals of the workspace's metrics in the period"),
    ...errorResponses(400, 403, 404),
  },
});

export const performanceRoute = createRouter().openapi(route, async (c) => {
  const { period, platform, content_id } = c.req.valid("query");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  if (content_id) await findContent(db, workspaceId, content_id);

  const { currentStart, end } = windows(period, Date.now());
  const filters: SQL[] = [
    eq(postMetrics.workspaceId, workspaceId),
    gt(postMetrics.recordedAt, currentStart),
    lte(postMetrics.recordedAt, end),
  ];
  if (platform) filters.push(eq(postMetrics.platform, platform));
  if (content_id) filters.push(eq(postMetrics.contentId, content_id));

  const totals = await db
    .select({
      impressions: sql<number>`coalesce(sum(${postMetrics.impressions}), 0)`,
      reach: sql<number>`coalesce(sum(${postMetrics.reach}), 0)`,
      clicks: sql<number>`coalesce(sum(${postMetrics.clicks}), 0)`,
      reactions: sql<number>`coalesce(sum(${postMetrics.likes} + ${postMetrics.comments}
        + ${postMetrics.shares} + ${postMetrics.saves}), 0)`,
    })
    .from(postMetrics)
    .where(and(...filters))
    .get();

  const impressions = Number(totals?.impressions ?? 0);
  const clicks = Number(totals?.clicks ?? 0);
  const engagements = Number(totals?.reactions ?? 0) + clicks;
  return c.json(
    {
      engagement_rate: engagementRate(engagements, impressions),
      reach: Number(totals?.reach ?? 0),
      impressions,
      clicks,
      engagements,
      period,
      from: toIso(currentStart),
      to: toIso(end),
    },
    200,
  );
});
