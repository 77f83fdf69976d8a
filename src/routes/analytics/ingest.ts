import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { content, postMetrics } from "../../db/schema";
import { ApiError } from "../../errors";
import { newId } from "../../ids";
import { authorize } from "../../middleware/authenticate";
import { idempotent } from "../../middleware/idempotency";
import { PLATFORMS } from "../../platforms/supported";
import type { Statement } from "../../services/schedule-writes";
import { IdempotencyHeader } from "../idempotency-header";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { Instant } from "../query-params";
import { createRouter } from "../router";

const MAX_ROWS = 500;
// D1 binds at most 100 values per statement; a metrics row binds 13.
const ROWS_PER_INSERT = 7;
const Count = z.number().int().min(0).max(1_000_000_000_000);

const MetricRow = z.strictObject({
  content_id: z.string().min(1).max(64),
  platform: z.enum(PLATFORMS),
  recorded_at: Instant.openapi({ description: "End of the interval this activity happened in" }),
  impressions: Count.default(0),
  reach: Count.default(0),
  clicks: Count.default(0),
  likes: Count.default(0),
  comments: Count.default(0),
  shares: Count.default(0),
  saves: Count.default(0),
});

const IngestBody = z
  .strictObject({ metrics: z.array(MetricRow).min(1).max(MAX_ROWS) })
  .openapi("MetricsIngest");

const route = createRoute({
  method: "post",
  path: "/analytics/metrics",
  tags: ["Analytics"],
  summary: "Record activity of content on a platform (increments, not running totals)",
  security: [{ bearer: [] }],
  middleware: [...authorize("analytics:write"), idempotent],
  request: {
    headers: IdempotencyHeader,
    body: jsonBody(IngestBody),
  },
  responses: {
    201: jsonResponse(z.object({ accepted: z.number().int() }), "All rows were stored"),
    ...errorResponses(400, 403, 413, 415, 422),
  },
});

export const ingestMetricsRoute = createRouter().openapi(route, async (c) => {
  const { metrics } = c.req.valid("json");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const now = Date.now();

  const bad: { field: string; message: string }[] = [];
  metrics.forEach((m, i) => {
    if (Date.parse(m.recorded_at) > now + 5 * 60_000) {
      bad.push({ field: `metrics.${i}.recorded_at`, message: "is in the future" });
    }
  });

  const ids = [...new Set(metrics.map((m) => m.content_id))];
  const known = new Set<string>();
  for (let i = 0; i < ids.length; i += 90) {
    const found = await db
      .select({ id: content.id })
      .from(content)
      .where(
        and(
          eq(content.workspaceId, workspaceId),
          isNull(content.deletedAt),
          inArray(content.id, ids.slice(i, i + 90)),
        ),
      );
    for (const row of found) known.add(row.id);
  }
  metrics.forEach((m, i) => {
    if (!known.has(m.content_id)) {
      bad.push({ field: `metrics.${i}.content_id`, message: "no such content in this workspace" });
    }
  });
  if (bad.length > 0) {
    throw new ApiError("validation_failed", "Some metrics rows are invalid; none were stored", {
      fields: bad.slice(0, 50),
    });
  }

  const rows = metrics.map((m) => ({
    id: newId("met"),
    workspaceId,
    contentId: m.content_id,
    platform: m.platform,
    recordedAt: Date.parse(m.recorded_at),
    impressions: m.impressions,
    reach: m.reach,
    clicks: m.clicks,
    likes: m.likes,
    comments: m.comments,
    shares: m.shares,
    saves: m.saves,
    createdAt: now,
  }));
  // One batch: all rows are stored or none are.
  const inserts: Statement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    inserts.push(db.insert(postMetrics).values(rows.slice(i, i + ROWS_PER_INSERT)));
  }
  await db.batch(inserts as [Statement, ...Statement[]]);
  return c.json({ accepted: rows.length }, 201);
});
