import type { Logger } from "../logger";
import type { PublishMessage } from "./messages";

// A post is claimed when it falls due within this horizon of a cron run (runs are a minute
// apart) and the queue's delay lands it on its second.
export const CLAIM_HORIZON_MS = 60_000;
// How long a claim holds before another run may take the post again, counted from the later
// of now and the post's time: long enough for the queue, short enough to recover quickly.
export const QUEUED_LEASE_MS = 5 * 60_000;
const CLAIM_BATCH = 500;
const SEND_BATCH = 100;

export type Claimed = { id: string; workspace_id: string; scheduled_at: number };

// One conditional UPDATE ... RETURNING: D1 runs statements one at a time, so two runs that
// overlap can never both move the same row out of `pending` (or out of an expired lease).
async function claimBatch(d1: D1Database, now: number): Promise<Claimed[]> {
  const result = await d1
    .prepare(
      `UPDATE scheduled_posts
         SET status = 'queued', lease_until = max(scheduled_at, ?1) + ?2, updated_at = ?1
       WHERE id IN (
         SELECT id FROM scheduled_posts
          WHERE (status = 'pending' AND scheduled_at < ?3)
             OR (status IN ('queued', 'publishing') AND lease_until < ?1)
          ORDER BY scheduled_at
          LIMIT ?4)
       RETURNING id, workspace_id, scheduled_at`,
    )
    .bind(now, QUEUED_LEASE_MS, now + CLAIM_HORIZON_MS, CLAIM_BATCH)
    .all<Claimed>();
  return result.results;
}

function delaySeconds(scheduledAt: number, now: number): number {
  // Rounded down: the message arrives within the second before its time and the consumer
  // waits out the rest, so the post goes out on its second rather than up to a second late.
  return Math.max(0, Math.floor((scheduledAt - now) / 1000));
}

export type ClaimReport = { claimed: number; enqueued: number; released: number };

export async function enqueueDuePosts(
  d1: D1Database,
  queue: Queue<PublishMessage>,
  logger: Logger,
  now: number = Date.now(),
): Promise<ClaimReport> {
  const report: ClaimReport = { claimed: 0, enqueued: 0, released: 0 };

  for (;;) {
    const claimed = await claimBatch(d1, now);
    report.claimed += claimed.length;

    const sent = await sendClaimed(d1, queue, logger, claimed, now);
    report.enqueued += sent.enqueued;
    report.released += sent.released;
    // A queue that refuses sends would hand the same posts back and forth: stop this run.
    if (claimed.length < CLAIM_BATCH || report.released > 0) return report;
  }
}

// Sends claimed posts in chunks, each with the delay that lands it on its second. A chunk the
// queue refuses is handed straight back to `pending`, so the next run takes it rather than
// waiting out the lease.
export async function sendClaimed(
  d1: D1Database,
  queue: Queue<PublishMessage>,
  logger: Logger,
  claimed: Claimed[],
  now: number,
): Promise<{ enqueued: number; released: number }> {
  const outcome = { enqueued: 0, released: 0 };
  for (let i = 0; i < claimed.length; i += SEND_BATCH) {
    const chunk = claimed.slice(i, i + SEND_BATCH);
    try {
      await sendWithOneRetry(
        queue,
        chunk.map((post) => ({
          body: { post_id: post.id, workspace_id: post.workspace_id },
          contentType: "json" as const,
          delaySeconds: delaySeconds(post.scheduled_at, now),
        })),
      );
      outcome.enqueued += chunk.length;
    } catch (err) {
      outcome.released += await release(
        d1,
        chunk.map((p) => p.id),
      );
      logger.error("publish queue send failed", {
        posts: chunk.length,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return outcome;
}

// A burst of thousands of posts can meet the queue's own throughput limit; one short pause
// and a second try keeps those posts on their second instead of the next minute.
async function sendWithOneRetry(
  queue: Queue<PublishMessage>,
  messages: MessageSendRequest<PublishMessage>[],
): Promise<void> {
  try {
    await queue.sendBatch(messages);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await queue.sendBatch(messages);
  }
}

async function release(d1: D1Database, ids: string[]): Promise<number> {
  let released = 0;
  for (let i = 0; i < ids.length; i += 90) {
    const part = ids.slice(i, i + 90);
    const result = await d1
      .prepare(
        `UPDATE scheduled_posts SET status = 'pending', lease_until = NULL
          WHERE status = 'queued' AND id IN (${part.map(() => "?").join(",")})`,
      )
      .bind(...part)
      .run();
    released += result.meta.changes;
  }
  return released;
}

// The cron claims posts due within a minute of each run, so one scheduled less than a minute
// ahead, after this minute's run, would wait for the next run and go out late. Such posts are
// claimed and queued at once instead, by the same kind of conditional update.
export async function enqueueIfDueSoon(
  d1: D1Database,
  queue: Queue<PublishMessage>,
  logger: Logger,
  workspaceId: string,
  postIds: string[],
  now: number = Date.now(),
): Promise<void> {
  if (postIds.length === 0) return;
  const result = await d1
    .prepare(
      `UPDATE scheduled_posts
          SET status = 'queued', lease_until = max(scheduled_at, ?1) + ?2, updated_at = ?1
        WHERE workspace_id = ?3 AND status = 'pending' AND scheduled_at < ?4
          AND id IN (${postIds.map((_, i) => `?${i + 5}`).join(", ")})
        RETURNING id, workspace_id, scheduled_at`,
    )
    .bind(now, QUEUED_LEASE_MS, workspaceId, now + CLAIM_HORIZON_MS, ...postIds)
    .all<Claimed>();
  await sendClaimed(d1, queue, logger, result.results, now);
}
