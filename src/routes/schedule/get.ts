import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { type PostRow, scheduledPosts } from "../../db/schema";
import { notFound } from "../../errors";
import { authorize } from "../../middleware/authenticate";
import { toIsoOrNull } from "../../time";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { ScheduledPostSchema, serializePost } from "./post-schema";

export const PostDetail = ScheduledPostSchema.extend({
  account_id: z.string().nullable(),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  external_id: z.string().nullable().openapi({ example: "1790000000000000001" }),
  external_url: z.string().nullable(),
  published_at: z.string().nullable(),
  updated_at: z.string().nullable(),
}).openapi("ScheduledPostDetail");

export const PostIdParam = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "scd_123" }),
});

const route = createRoute({
  method: "get",
  path: "/schedule/{id}",
  tags: ["Scheduling"],
  summary: "One scheduled post with its attempts, last error and where it was published",
  security: [{ bearer: [] }],
  middleware: authorize("schedule:read"),
  request: { params: PostIdParam },
  responses: {
    200: jsonResponse(PostDetail, "The scheduled post"),
    ...errorResponses(403, 404),
  },
});

export function serializePostDetail(row: PostRow): z.infer<typeof PostDetail> {
  return {
    ...serializePost(row),
    account_id: row.accountId,
    attempts: row.attempts,
    last_error: row.lastError,
    external_id: row.externalId,
    external_url: row.externalUrl,
    published_at: toIsoOrNull(row.publishedAt),
    updated_at: toIsoOrNull(row.updatedAt),
  };
}

export const getScheduledPostRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const row = await c
    .get("db")
    .select()
    .from(scheduledPosts)
    .where(
      and(eq(scheduledPosts.id, id), eq(scheduledPosts.workspaceId, c.get("caller").workspaceId)),
    )
    .get();
  if (!row) throw notFound("Scheduled post");
  return c.json(serializePostDetail(row), 200);
});
