import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, eq, gte, lt, type SQL } from "drizzle-orm";
import { scheduledPosts } from "../../db/schema";
import { ApiError } from "../../errors";
import { authorize } from "../../middleware/authenticate";
import { PLATFORMS } from "../../platforms/supported";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { Instant, PageQuery, PaginationSchema } from "../query-params";
import { createRouter } from "../router";
import { POST_STATUSES, ScheduledPostSchema, serializePost } from "./post-schema";

const ListQuery = z.object({
  ...PageQuery,
  status: z.enum(POST_STATUSES).optional(),
  platform: z.enum(PLATFORMS).optional(),
  from: Instant.optional().openapi({ description: "Only posts at or after this instant" }),
  to: Instant.optional().openapi({ description: "Only posts before this instant" }),
});

const ListResponse = z
  .object({ scheduled_posts: z.array(ScheduledPostSchema), pagination: PaginationSchema })
  .openapi("ScheduledPostList");

const route = createRoute({
  method: "get",
  path: "/schedule",
  tags: ["Scheduling"],
  summary: "List scheduled posts, soonest first",
  security: [{ bearer: [] }],
  middleware: authorize("schedule:read"),
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(ListResponse, "One page of scheduled posts"),
    ...errorResponses(400, 403),
  },
});

export const listScheduleRoute = createRouter().openapi(route, async (c) => {
  const { page, per_page, status, platform, from, to } = c.req.valid("query");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");

  const filters: SQL[] = [eq(scheduledPosts.workspaceId, workspaceId)];
  if (status) filters.push(eq(scheduledPosts.status, status));
  if (platform) filters.push(eq(scheduledPosts.platform, platform));
  const fromMs = from ? Date.parse(from) : null;
  const toMs = to ? Date.parse(to) : null;
  if (fromMs !== null && toMs !== null && fromMs > toMs) {
    throw new ApiError("invalid_query", "Invalid query parameter: from", {
      fields: [{ field: "from", message: "must not be after to" }],
    });
  }
  if (fromMs !== null) filters.push(gte(scheduledPosts.scheduledAt, fromMs));
  if (toMs !== null) filters.push(lt(scheduledPosts.scheduledAt, toMs));
  const where = and(...filters);

  const [rows, totals] = await db.batch([
    db
      .select()
      .from(scheduledPosts)
      .where(where)
      .orderBy(asc(scheduledPosts.scheduledAt), asc(scheduledPosts.id))
      .limit(per_page)
      .offset((page - 1) * per_page),
    db.select({ total: count() }).from(scheduledPosts).where(where),
  ]);

  return c.json(
    {
      scheduled_posts: rows.map(serializePost),
      pagination: { page, per_page, total: totals[0]?.total ?? 0 },
    },
    200,
  );
});
