import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import { content } from "../../db/schema";
import { authorize } from "../../middleware/authenticate";
import { findContent } from "../../services/content-lookup";
import { cancelOpenPosts } from "../../services/schedule-writes";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { ContentIdParam } from "./content-schema";

const DeleteResponse = z
  .object({ success: z.literal(true), message: z.string() })
  .openapi("DeleteResponse");

const route = createRoute({
  method: "delete",
  path: "/content/{id}",
  tags: ["Content"],
  summary: "Delete content and cancel its posts that have not gone out",
  security: [{ bearer: [] }],
  middleware: authorize("content:write"),
  request: { params: ContentIdParam },
  responses: {
    200: jsonResponse(DeleteResponse, "Deleted"),
    ...errorResponses(403, 404),
  },
});

export const deleteContentRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  await findContent(db, workspaceId, id);
  const now = Date.now();

  // Soft delete: metrics and published posts keep pointing at a row that still exists.
  await db.batch([
    db
      .update(content)
      .set({ deletedAt: now, updatedAt: now })
      .where(
        and(eq(content.id, id), eq(content.workspaceId, workspaceId), isNull(content.deletedAt)),
      ),
    cancelOpenPosts(db, { workspaceId, contentId: id, now }),
  ]);
  return c.json({ success: true as const, message: "Content deleted successfully" }, 200);
});
