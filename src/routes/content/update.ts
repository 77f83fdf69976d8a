import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { type ContentRow, content, scheduledPosts } from "../../db/schema";
import { fieldError } from "../../errors";
import { assertScope, authorize } from "../../middleware/authenticate";
import type { Platform } from "../../platforms/supported";
import { enqueueIfDueSoon } from "../../publishing/claim-due-posts";
import { publishNow } from "../../publishing/publish-now";
import { findContent } from "../../services/content-lookup";
import {
  assertTransition,
  CONTENT_STATUSES,
  type ContentStatus,
} from "../../services/content-status";
import { writeContentWith } from "../../services/content-write";
import { checkPlatformRules, resolveTargets } from "../../services/post-targets";
import { futureInstant } from "../../services/schedule-time";
import {
  cancelOpenPosts,
  insertPosts,
  livePlatforms,
  OPEN_POST_STATUSES,
  type Statement,
  supersedeFailedPosts,
  withoutLive,
} from "../../services/schedule-writes";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { Instant } from "../query-params";
import { createRouter } from "../router";
import {
  ContentIdParam,
  ContentSchema,
  Description,
  MediaList,
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
    media: MediaList.optional(),
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
    202: jsonResponse(
      ContentSchema,
      "Status published was asked: the posts are queued and the content shows its true state",
    ),
    ...errorResponses(400, 403, 404, 409, 413, 415, 422),
  },
});

function textChanged(a: ContentRow, b: ContentRow): boolean {
  return (
    a.title !== b.title ||
    a.description !== b.description ||
    JSON.stringify(a.media) !== JSON.stringify(b.media)
  );
}

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
  // Making or cancelling posts is schedule:write's to allow, whichever route asks.
  const touchesPosts =
    to !== from || body.scheduled_at !== undefined || body.platforms !== undefined;
  const makesPosts = (to === "scheduled" || to === "published") && touchesPosts;
  const cancelsPosts = from === "scheduled" && to !== from;
  if (makesPosts || cancelsPosts) {
    assertScope(c.get("caller"), "schedule:write");
  }

  // Publishing goes through the platforms; the answer shows the true state, not `published`.
  if (to === "published" && from !== "published") {
    const changes = {
      title: body.title ?? current.title,
      description: body.description ?? current.description,
      platforms: body.platforms ?? current.platforms,
      media: body.media ?? current.media,
    };
    const result = await publishNow(db, c.env, c.get("logger"), workspaceId, current, changes);
    return c.json(serializeContent(result.content), 202);
  }

  const next: ContentRow = {
    ...current,
    title: body.title ?? current.title,
    description: body.description ?? current.description,
    platforms: body.platforms ?? current.platforms,
    media: body.media ?? current.media,
    scheduledAt:
      body.scheduled_at === undefined
        ? current.scheduledAt
        : body.scheduled_at === null
          ? null
          : Date.parse(body.scheduled_at),
    status: to,
    updatedAt: now,
  };

  const statements: Statement[] = [];
  let postIds: string[] = [];
  const timingChanged =
    next.scheduledAt !== current.scheduledAt ||
    [...next.platforms].sort().join() !== [...current.platforms].sort().join();

  if (to === "scheduled" && (from !== "scheduled" || timingChanged)) {
    if (next.scheduledAt === null) {
      throw fieldError("scheduled_at", "is required to schedule content");
    }
    const at = futureInstant(body.scheduled_at ?? new Date(next.scheduledAt).toISOString(), now);
    const platforms = next.platforms as Platform[];
    checkPlatformRules(platforms, next);
    // A reschedule keeps the accounts the open posts were going through; platforms without
    // one use their default account.
    const open = await db
      .select({ platform: scheduledPosts.platform, accountId: scheduledPosts.accountId })
      .from(scheduledPosts)
      .where(
        and(
          eq(scheduledPosts.workspaceId, workspaceId),
          eq(scheduledPosts.contentId, id),
          inArray(scheduledPosts.status, [...OPEN_POST_STATUSES]),
        ),
      );
    const keep = open.filter((p) => p.accountId && platforms.includes(p.platform as Platform));
    const live = await livePlatforms(db, workspaceId, id);
    const resolved = await resolveTargets(db, workspaceId, {
      platforms,
      accountIds: keep.map((p) => p.accountId as string),
    });
    const targets = withoutLive(resolved, live);
    statements.push(cancelOpenPosts(db, { workspaceId, contentId: id, now }));
    statements.push(
      supersedeFailedPosts(db, {
        workspaceId,
        contentId: id,
        platforms: targets.map((t) => t.platform),
        now,
      }),
    );
    const posts = insertPosts(db, { workspaceId, contentId: id, targets, scheduledAt: at, now });
    statements.push(...posts.statements);
    postIds = posts.postIds;
  } else if (to === "scheduled" && textChanged(current, next)) {
    // Posts already waiting will carry the new text: it must still pass their platforms' rules.
    checkPlatformRules(next.platforms as Platform[], next);
  } else if (from === "scheduled" && to !== "scheduled") {
    statements.push(cancelOpenPosts(db, { workspaceId, contentId: id, now }));
  }

  await writeContentWith(
    db,
    db
      .update(content)
      .set({
        title: next.title,
        description: next.description,
        platforms: next.platforms,
        media: next.media,
        scheduledAt: next.scheduledAt,
        status: next.status,
        publishedAt: next.publishedAt,
        updatedAt: now,
      })
      .where(
        and(
          eq(content.id, id),
          eq(content.workspaceId, workspaceId),
          isNull(content.deletedAt),
          eq(content.updatedAt, current.updatedAt),
        ),
      ),
    statements,
  );
  await enqueueIfDueSoon(c.env.DB, c.env.PUBLISH_QUEUE, c.get("logger"), workspaceId, postIds);

  return c.json(serializeContent(next), 200);
});
