import { z } from "@hono/zod-openapi";
import type { PostRow } from "../../db/schema";
import { PLATFORMS } from "../../platforms/supported";
import { toIso } from "../../time";

export const POST_STATUSES = [
  "pending",
  "queued",
  "publishing",
  "published",
  "failed",
  "cancelled",
] as const;

export const ScheduledPostSchema = z
  .object({
    id: z.string().openapi({ example: "scd_123" }),
    schedule_id: z.string(),
    content_id: z.string().openapi({ example: "cnt_456" }),
    platform: z.enum(PLATFORMS),
    scheduled_at: z.string().openapi({ example: "2026-03-16T14:00:00Z" }),
    status: z.enum(POST_STATUSES),
  })
  .openapi("ScheduledPost");

export function serializePost(row: PostRow): z.infer<typeof ScheduledPostSchema> {
  return {
    id: row.id,
    schedule_id: row.scheduleId,
    content_id: row.contentId,
    platform: row.platform as z.infer<typeof ScheduledPostSchema>["platform"],
    scheduled_at: toIso(row.scheduledAt),
    status: row.status as z.infer<typeof ScheduledPostSchema>["status"],
  };
}
