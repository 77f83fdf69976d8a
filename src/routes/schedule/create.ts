import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../context";
import { content } from "../../db/schema";
import { ApiError, fieldError } from "../../errors";
import { authorize } from "../../middleware/authenticate";
import { idempotent } from "../../middleware/idempotency";
import { PLATFORMS } from "../../platforms/supported";
import { enqueueIfDueSoon } from "../../publishing/claim-due-posts";
import { contentIfAny } from "../../services/content-lookup";
import { type ContentStatus, canTransition } from "../../services/content-status";
import { writeContentWith } from "../../services/content-write";
import { checkPlatformRules, resolveTargets } from "../../services/post-targets";
import { futureInstant } from "../../services/schedule-time";
import {
  cancelOpenPosts,
  insertPosts,
  livePlatforms,
  supersedeFailedPosts,
  withoutLive,
} from "../../services/schedule-writes";
import { toIso } from "../../time";
import { PlatformList } from "../content/content-schema";
import { IdempotencyHeader } from "../idempotency-header";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { Instant } from "../query-params";
import { createRouter } from "../router";

const CreateSchedule = z
  .strictObject({
    content_id: z.string().min(1).max(64).openapi({ example: "cnt_456" }),
    platforms: PlatformList.optional().openapi({ example: ["instagram", "twitter"] }),
    account_ids: z
      .array(z.string().max(64))
      .min(1)
      .max(20)
      .optional()
      .openapi({ description: "Accounts to post through instead of each platform's default" }),
    scheduled_at: Instant.openapi({ example: "2026-03-16T14:00:00Z" }),
  })
  .refine((b) => b.platforms || b.account_ids, {
    message: "name platforms, account_ids or both",
    path: ["platforms"],
  })
  .openapi("CreateSchedule");

const ScheduleCreated = z
  .object({
    schedule_id: z.string().openapi({ example: "scd_124" }),
    status: z.literal("scheduled"),
    platforms: z.array(z.enum(PLATFORMS)),
    scheduled_at: z.string(),
    posts: z.array(
      z.object({ id: z.string(), platform: z.enum(PLATFORMS), account_id: z.string() }),
    ),
  })
  .openapi("ScheduleCreated");

const route = createRoute({
  method: "post",
  path: "/schedule",
  tags: ["Scheduling"],
  summary: "Schedule content on platforms at one instant (replaces its pending posts there)",
  security: [{ bearer: [] }],
  middleware: [...authorize("schedule:write"), idempotent],
  request: {
    headers: IdempotencyHeader,
    body: jsonBody(CreateSchedule),
  },
  responses: {
    201: jsonResponse(ScheduleCreated, "One scheduled post per platform was created"),
    ...errorResponses(400, 403, 409, 413, 415, 422),
  },
});

async function schedulableContent(db: Database, workspaceId: string, id: string) {
  const row = await contentIfAny(db, workspaceId, id);
  // The id is a field of the body, so an unknown one is a validation failure, not a 404.
  if (!row) {
    throw fieldError("content_id", "no such content in this workspace");
  }
  if (!canTransition(row.status as ContentStatus, "scheduled")) {
    throw new ApiError("invalid_transition", `Content that is ${row.status} cannot be scheduled`, {
      from: row.status,
      to: "scheduled",
    });
  }
  return row;
}

export const createScheduleRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const now = Date.now();

  const at = futureInstant(body.scheduled_at, now);
  const row = await schedulableContent(db, workspaceId, body.content_id);
  const live = await livePlatforms(db, workspaceId, row.id);
  const resolved = await resolveTargets(db, workspaceId, {
    platforms: body.platforms,
    accountIds: body.account_ids,
  });
  const targets = withoutLive(resolved, live);
  const scheduled = [...new Set(targets.map((t) => t.platform))];
  checkPlatformRules(scheduled, row);
  const platforms = [...new Set([...row.platforms, ...scheduled])];
  const posts = insertPosts(db, { workspaceId, contentId: row.id, targets, scheduledAt: at, now });

  await writeContentWith(
    db,
    db
      .update(content)
      .set({ status: "scheduled", scheduledAt: at, platforms, updatedAt: now })
      .where(
        and(
          eq(content.id, row.id),
          eq(content.workspaceId, workspaceId),
          eq(content.updatedAt, row.updatedAt),
        ),
      ),
    [
      cancelOpenPosts(db, { workspaceId, contentId: row.id, platforms: scheduled, now }),
      supersedeFailedPosts(db, { workspaceId, contentId: row.id, platforms: scheduled, now }),
      ...posts.statements,
    ],
  );

  await enqueueIfDueSoon(
    c.env.DB,
    c.env.PUBLISH_QUEUE,
    c.get("logger"),
    workspaceId,
    posts.postIds,
  );

  return c.json(
    {
      schedule_id: posts.scheduleId,
      status: "scheduled" as const,
      platforms: scheduled,
      scheduled_at: toIso(at),
      posts: posts.postIds.map((id, i) => ({
        id,
        platform: targets[i]?.platform as (typeof PLATFORMS)[number],
        account_id: targets[i]?.accountId as string,
      })),
    },
    201,
  );
});
