import { createRoute } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import { scheduledPosts } from "../../db/schema";
import { ApiError, notFound } from "../../errors";
import { authorize } from "../../middleware/authenticate";
import { syncContentStatus } from "../../publishing/content-status-sync";
import { OPEN_POST_STATUSES } from "../../services/schedule-writes";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { PostDetail, PostIdParam, serializePostDetail } from "./get";

const route = createRoute({
  method: "delete",
  path: "/schedule/{id}",
  tags: ["Scheduling"],
  summary: "Cancel a post that has not gone out yet",
  security: [{ bearer: [] }],
  middleware: authorize("schedule:write"),
  request: { params: PostIdParam },
  responses: {
    200: jsonResponse(PostDetail, "The post, now cancelled"),
    ...errorResponses(403, 404, 409),
  },
});

export const cancelScheduledPostRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const now = Date.now();
  const mine = and(eq(scheduledPosts.id, id), eq(scheduledPosts.workspaceId, workspaceId));

  // Conditional: a post the publisher took in the meantime is not cancelled underneath it.
  const [cancelled] = await db
    .update(scheduledPosts)
    .set({ status: "cancelled", leaseUntil: null, updatedAt: now })
    .where(and(mine, inArray(scheduledPosts.status, [...OPEN_POST_STATUSES])))
    .returning();
  if (cancelled) {
    // The content may now be fully published (or failed) by its remaining posts.
    await syncContentStatus(c.env.DB, workspaceId, cancelled.contentId, now).run();
    return c.json(serializePostDetail(cancelled), 200);
  }

  const row = await db.select().from(scheduledPosts).where(mine).get();
  if (!row) throw notFound("Scheduled post");
  if (row.status === "cancelled") return c.json(serializePostDetail(row), 200);
  throw new ApiError("conflict", `The post is ${row.status} and can no longer be cancelled`, {
    status: row.status,
  });
});
