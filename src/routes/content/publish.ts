import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { content } from "../../db/schema";
import { ApiError } from "../../errors";
import { authorize } from "../../middleware/authenticate";
import { queuedPostsNow, sendNow } from "../../publishing/publish-now";
import { findContent } from "../../services/content-lookup";
import { assertTransition, type ContentStatus } from "../../services/content-status";
import { checkPlatformRules, resolveTargets } from "../../services/post-targets";
import { cancelOpenPosts } from "../../services/schedule-writes";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { PostDetail, serializePostDetail } from "../schedule/get";
import { ContentIdParam, type ContentRow, ContentSchema, serializeContent } from "./content-schema";

const Publishing = z
  .object({ content: ContentSchema, posts: z.array(PostDetail) })
  .openapi("Publishing");

const route = createRoute({
  method: "post",
  path: "/content/{id}/publish",
  tags: ["Content"],
  summary: "Publish now on every platform of the content, through the publishing queue",
  description:
    "Answers 202 with the posts as they are (queued): the content becomes `published` only " +
    "once every platform has accepted it. Follow each post with GET /schedule/{id}.",
  security: [{ bearer: [] }],
  middleware: authorize("content:write"),
  request: { params: ContentIdParam },
  responses: {
    202: jsonResponse(Publishing, "The posts are on their way"),
    ...errorResponses(403, 404, 409, 422),
  },
});

export const publishContentRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const row = await findContent(db, workspaceId, id);
  const result = await publishContentNow(c.get("db"), c.env, c.get("logger"), workspaceId, row);
  return c.json(result, 202);
});

export async function publishContentNow(
  db: Parameters<typeof findContent>[0],
  env: Cloudflare.Env,
  logger: Parameters<typeof sendNow>[4],
  workspaceId: string,
  row: ContentRow,
  changes: Partial<Pick<ContentRow, "title" | "description" | "platforms" | "media">> = {},
) {
  // Content that is out already is not posted again; moving to the same status is allowed
  // elsewhere, so this is refused here explicitly.
  if (row.status === "published") {
    throw new ApiError("invalid_transition", "Content is already published", {
      from: "published",
      to: "published",
    });
  }
  assertTransition(row.status as ContentStatus, "published");
  const next = { ...row, ...changes };
  const platforms = next.platforms as Parameters<typeof checkPlatformRules>[0];
  checkPlatformRules(platforms, next);
  const targets = await resolveTargets(db, workspaceId, { platforms });
  const now = Date.now();
  const posts = queuedPostsNow(db, { workspaceId, contentId: row.id, targets, now });

  // The content says `scheduled` until the platforms have accepted it; the publisher moves
  // it to `published` (or `failed`) as the posts settle.
  const updated: ContentRow = { ...next, status: "scheduled", scheduledAt: now, updatedAt: now };
  await db.batch([
    cancelOpenPosts(db, { workspaceId, contentId: row.id, now }),
    posts.statement,
    db
      .update(content)
      .set({
        title: updated.title,
        description: updated.description,
        platforms: updated.platforms,
        media: updated.media,
        status: updated.status,
        scheduledAt: now,
        updatedAt: now,
      })
      .where(and(eq(content.id, row.id), eq(content.workspaceId, workspaceId))),
  ]);
  await sendNow(db, env.PUBLISH_QUEUE, workspaceId, posts.postIds, logger);

  const postRows = targets.map((t, i) => ({
    id: posts.postIds[i] as string,
    scheduleId: posts.scheduleId,
    workspaceId,
    contentId: row.id,
    platform: t.platform,
    accountId: t.accountId,
    scheduledAt: now,
    status: "queued",
    attempts: 0,
    lastError: null,
    externalId: null,
    externalUrl: null,
    leaseUntil: null,
    publishState: null,
    publishedAt: null,
    createdAt: now,
    updatedAt: now,
  }));
  return { content: serializeContent(updated), posts: postRows.map(serializePostDetail) };
}
