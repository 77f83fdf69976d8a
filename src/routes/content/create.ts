import { createRoute, z } from "@hono/zod-openapi";
import { type ContentRow, content } from "../../db/schema";
import { newId } from "../../ids";
import { assertScope, authorize } from "../../middleware/authenticate";
import { idempotent } from "../../middleware/idempotency";
import type { Platform } from "../../platforms/supported";
import { enqueueIfDueSoon } from "../../publishing/claim-due-posts";
import { checkPlatformRules, resolveTargets } from "../../services/post-targets";
import { futureInstant } from "../../services/schedule-time";
import { insertPosts, type Statement } from "../../services/schedule-writes";
import { IdempotencyHeader } from "../idempotency-header";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { Instant } from "../query-params";
import { createRouter } from "../router";
import {
  ContentSchema,
  Description,
  MediaList,
  PlatformList,
  serializeContent,
  Title,
} from "./content-schema";

const CreateContent = z
  .strictObject({
    title: Title.openapi({ example: "New Campaign" }),
    description: Description.optional().openapi({ example: "Campaign description" }),
    platforms: PlatformList,
    media: MediaList.optional(),
    account_ids: z
      .array(z.string().max(64))
      .max(20)
      .optional()
      .openapi({ description: "Accounts to post through instead of each platform's default" }),
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
    media: body.media ?? [],
    status: scheduledAt !== null ? "scheduled" : "draft",
    scheduledAt: requested,
    publishedAt: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };

  const statements: [Statement, ...Statement[]] = [db.insert(content).values(row)];
  let postIds: string[] = [];
  if (scheduledAt !== null) {
    // Scheduling through content creates posts, which is schedule:write's to allow.
    assertScope(c.get("caller"), "schedule:write");
    const targets = await resolveTargets(db, workspaceId, {
      platforms: body.platforms,
      accountIds: body.account_ids,
    });
    // Accounts named by id may add platforms the list did not name; the content lists them all.
    row.platforms = [...new Set([...row.platforms, ...targets.map((t) => t.platform)])];
    checkPlatformRules(row.platforms as Platform[], row);
    const posts = insertPosts(db, { workspaceId, contentId: row.id, targets, scheduledAt, now });
    statements.push(...posts.statements);
    postIds = posts.postIds;
  }
  await db.batch(statements);
  await enqueueIfDueSoon(c.env.DB, c.env.PUBLISH_QUEUE, c.get("logger"), workspaceId, postIds);

  return c.json(serializeContent(row), 201, { Location: `/v1/content/${row.id}` });
});
