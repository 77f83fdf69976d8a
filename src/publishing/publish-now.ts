import { inArray } from "drizzle-orm";
import type { Database } from "../context";
import { scheduledPosts } from "../db/schema";
import type { Logger } from "../logger";
import type { PostTarget } from "../services/post-targets";
import { insertPosts, type Statement } from "../services/schedule-writes";
import { QUEUED_LEASE_MS } from "./claim-due-posts";
import type { PublishMessage } from "./messages";

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

// Called after the batch that created the posts committed. If the queue refuses them, they
// fall back to `pending` due now, so the next cron run (within a minute) sends them.
export async function sendNow(
  db: Database,
  queue: Queue<PublishMessage>,
  workspaceId: string,
  postIds: string[],
  logger: Logger,
): Promise<void> {
  if (postIds.length === 0) return;
  try {
    await queue.sendBatch(
      postIds.map((id) => ({
        body: { post_id: id, workspace_id: workspaceId },
        contentType: "json",
      })),
    );
  } catch (err) {
    logger.error("publish queue send failed; leaving posts to the cron", {
      posts: postIds.length,
      error: err instanceof Error ? err.message : String(err),
    });
    const fallback: Statement = db
      .update(scheduledPosts)
      .set({ status: "pending", leaseUntil: null })
      .where(inArray(scheduledPosts.id, postIds));
    await db.batch([fallback]);
  }
}
