import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import { content } from "../../db/schema";
import { ApiError } from "../../errors";
import { authorize } from "../../middleware/authenticate";
import { findContent } from "../../services/content-lookup";
import {
  assertTransition,
  CONTENT_STATUSES,
  type ContentStatus,
} from "../../services/content-status";
import { futureInstant } from "../../services/schedule-time";
import { cancelOpenPosts, insertPosts, type Statement } from "../../services/schedule-writes";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { Instant } from "../query-params";
import { createRouter } from "../router";
import {
  ContentIdParam,
  type ContentRow,
  ContentSchema,
  Description,
  PlatformList,
  serializeContent,
  Title,
} from "./content-schema";

// Strict: id, workspace and timestamps are not fields a client can write, and a typo in a
// field name must not be silently ignored.
const UpdateContent = z
  .strictObject({
    title: Title.optional(),
    description: Description.optional(),
    platforms: PlatformList.optional(),
    status: z.enum(CONTENT_STATUSES).optional(),
    scheduled_at: Instant.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "must change at least one field")
  .openapi("UpdateContent", { example: { title: "Updated Campaign Title", status: "published" } });

const route = createRoute({
  method: "put",
  path: "/content/{id}",
  tags: ["Content"],
  summary: "Change some fields of a content item; status changes follow the state machine",
  security: [{ bearer: [] }],
  middleware: authorize("content:write"),
  request: { params: ContentIdParam, body: jsonBody(UpdateContent) },
  responses: {
    200: jsonResponse(ContentSchema, "The content as stored after the change"),
    ...errorResponses(400, 403, 404, 409, 413, 415, 422),
  },
});

export const updateContentRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const current = await findContent(db, workspaceId, id);
  const now = Date.now();

  const from = current.status as ContentStatus;
  const to = body.status ?? from;
  if (body.status) assertTransition(from, to);

  const next: ContentRow = {
    ...current,
    title: body.title ?? current.title,
    description: body.description ?? current.description,
    platforms: body.platforms ?? current.platforms,
    scheduledAt:
      body.scheduled_at === undefined
        ? current.scheduledAt
        : body.scheduled_at === null
          ? null
          : Date.parse(body.scheduled_at),
    status: to,
    publishedAt: to === "published" && from !== "published" ? now : current.publishedAt,
    updatedAt: now,
  };

  const statements: Statement[] = [];
  const timingChanged =
    next.scheduledAt !== current.scheduledAt || next.platforms.join() !== current.platforms.join();

  if (to === "scheduled" && (from !== "scheduled" || timingChanged)) {
    if (next.scheduledAt === null) {
      throw new ApiError("validation_failed", "Invalid value for: scheduled_at", {
        fields: [{ field: "scheduled_at", message: "is required to schedule content" }],
      });
    }
    const at = futureInstant(body.scheduled_at ?? new Date(next.scheduledAt).toISOString(), now);
    statements.push(cancelOpenPosts(db, { workspaceId, contentId: id, now }));
    statements.push(
      insertPosts(db, {
        workspaceId,
        contentId: id,
        platforms: next.platforms,
        scheduledAt: at,
        now,
      }).statement,
    );
  } else if (from === "scheduled" && to !== "scheduled") {
    statements.push(cancelOpenPosts(db, { workspaceId, contentId: id, now }));
  }

  await db.batch([
    db
      .update(content)
      .set({
        title: next.title,
        description: next.description,
        platforms: next.platforms,
        scheduledAt: next.scheduledAt,
        status: next.status,
        publishedAt: next.publishedAt,
        updatedAt: now,
      })
      .where(
        and(eq(content.id, id), eq(content.workspaceId, workspaceId), isNull(content.deletedAt)),
      ),
    ...statements,
  ]);

  return c.json(serializeContent(next), 200);
});
