import { and, eq } from "drizzle-orm";
import type { Database } from "../context";
import { type ContentRow, content, type PostRow } from "../db/schema";
import { ApiError } from "../errors";
import type { Logger } from "../logger";
import type { Platform } from "../platforms/supported";
import { assertTransition, type ContentStatus } from "../services/content-status";
import { writeContentWith } from "../services/content-write";
import type { PostTarget } from "../services/post-targets";
import { checkPlatformRules, resolveTargets } from "../services/post-targets";
import {
  cancelOpenPosts,
  insertPosts,
  livePlatforms,
  supersedeFailedPosts,
  withoutLive,
} from "../services/schedule-writes";
import { QUEUED_LEASE_MS, sendClaimed } from "./claim-due-posts";

// Posts for "publish now": they skip the cron and go to the queue at once, already queued.
export function queuedPostsNow(
  db: Database,
  input: { workspaceId: string; contentId: string; targets: PostTarget[]; now: number },
) {
  return insertPosts(db, {
    ...input,
    scheduledAt: input.now,
    status: "queued",
    leaseUntil: input.now + QUEUED_LEASE_MS,
  });
}

// "Publish now" for PUT status=published and POST /content/{id}/publish: the same checks as a
// schedule, posts created already queued, and the messages sent at once.
export async function publishNow(
  db: Database,
  env: Cloudflare.Env,
  logger: Logger,
  workspaceId: string,
  row: ContentRow,
  changes: Partial<Pick<ContentRow, "title" | "description" | "platforms" | "media">> = {},
): Promise<{ content: ContentRow; posts: PostRow[] }> {
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
  const platforms = next.platforms as Platform[];
  checkPlatformRules(platforms, next);
  const live = await livePlatforms(db, workspaceId, row.id);
  const targets = withoutLive(await resolveTargets(db, workspaceId, { platforms }), live);
  const retried = targets.map((t) => t.platform);
  const now = Date.now();
  const posts = queuedPostsNow(db, { workspaceId, contentId: row.id, targets, now });

  // The content says `scheduled` until the platforms have accepted it; the publisher moves
  // it to `published` (or `failed`) as the posts settle.
  const updated: ContentRow = { ...next, status: "scheduled", scheduledAt: now, updatedAt: now };
  await writeContentWith(
    db,
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
      .where(
        and(
          eq(content.id, row.id),
          eq(content.workspaceId, workspaceId),
          eq(content.updatedAt, row.updatedAt),
        ),
      ),
    [
      cancelOpenPosts(db, { workspaceId, contentId: row.id, now }),
      supersedeFailedPosts(db, { workspaceId, contentId: row.id, platforms: retried, now }),
      ...posts.statements,
    ],
  );
  // Sent once the batch committed; a refused send falls back to `pending`, due now, so the
  // next cron run (within a minute) sends them.
  const claimed = posts.rows.map((p) => ({
    id: p.id,
    workspace_id: p.workspaceId,
    scheduled_at: p.scheduledAt,
  }));
  await sendClaimed(env.DB, env.PUBLISH_QUEUE, logger, claimed, now);

  return { content: updated, posts: posts.rows };
}
