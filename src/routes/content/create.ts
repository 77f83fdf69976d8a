import { createRoute, z } from "@hono/zod-openapi";
import { content } from "../../db/schema";
import { newId } from "../../ids";
import { authorize } from "../../middleware/authenticate";
import { idempotent } from "../../middleware/idempotency";
import { futureInstant } from "../../services/schedule-time";
import { insertPosts, type Statement } from "../../services/schedule-writes";
import { IdempotencyHeader } from "../idempotency-header";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { Instant } from "../query-params";
import { createRouter } from "../router";
import {
  type ContentRow,
  ContentSchema,
  Description,
  PlatformList,
  serializeContent,
  Title,
} from "./content-schema";

const CreateContent = z
  .strictObject({
    title: Title.openapi({ example: "New Campaign" }),
    description: Description.optional().openapi({ example: "Campaign description" }),
    platforms: PlatformList,
    scheduled_at: Instant.nullable().optional().openapi({ example: "2026-03-16T14:00:00Z" }),
  })
  .openapi("CreateContent");

const route = createRoute({
  method: "post",
  path: "/content",
  tags: ["Content"],
  summary: "Create content; with a future scheduled_at it is scheduled on every platform",
  security: [{ bearer: [] }],
  middleware: [...authorize("content:write"), idempotent],
  request: {
    headers: IdempotencyHeader,
    body: jsonBody(CreateContent),
  },
  responses: {
    201: jsonResponse(ContentSchema, "The content as stored"),
    ...errorResponses(400, 403, 413, 415, 422),
  },
});

export const createContentRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const now = Date.now();

  // A time in the future schedules the content; a past or missing one leaves a draft.
  const requested = body.scheduled_at ? Date.parse(body.scheduled_at) : null;
  const scheduledAt =
    requested !== null && requested > now ? futureInstant(body.scheduled_at as string, now) : null;

  const row: ContentRow = {
    id: newId("cnt"),
    workspaceId,
    title: body.title,
    description: body.description ?? "",
    platforms: body.platforms,
    status: scheduledAt !== null ? "scheduled" : "draft",
    scheduledAt: requested,
    publishedAt: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };

  const statements: [Statement, ...Statement[]] = [db.insert(content).values(row)];
  if (scheduledAt !== null) {
    const posts = insertPosts(db, {
      workspaceId,
      contentId: row.id,
      platforms: body.platforms,
      scheduledAt,
      now,
    });
    statements.push(posts.statement);
  }
  await db.batch(statements);

  return c.json(serializeContent(row), 201, { Location: `/v1/content/${row.id}` });
});
