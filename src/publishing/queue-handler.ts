import { createLogger } from "../logger";
import { syncContentStatus } from "./content-status-sync";
import { isPublishMessage, type PublishMessage } from "./messages";
import { MAX_PUBLISH_ATTEMPTS } from "./platform-config";
import { publishPost } from "./publish-post";

export const PUBLISH_DLQ = "publish-dlq";

// Messages of a batch are independent: each is acked or retried on its own, in parallel.
export async function handlePublishBatch(
  batch: MessageBatch<unknown>,
  env: Cloudflare.Env,
  // Wrapped: the runtime's fetch throws "Illegal invocation" when called as a method of
  // another object, which is how adapters call ctx.fetch.
  fetcher: typeof fetch = (input, init) => fetch(input, init),
): Promise<void> {
  const logger = createLogger({ job: "publish", queue: batch.queue });
  await Promise.all(
    batch.messages.map(async (message) => {
      const started = Date.now();
      if (!isPublishMessage(message.body)) {
        logger.error("dropping malformed publish message", { message_id: message.id });
        message.ack();
        return;
      }
      const body: PublishMessage = message.body;
      try {
        const outcome = await publishPost(
          env,
          { postId: body.post_id, workspaceId: body.workspace_id, attempt: message.attempts },
          logger,
          fetcher,
        );
        if (outcome.kind === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
        else message.ack();
        logger.info("publish job", {
          post_id: body.post_id,
          workspace: body.workspace_id,
          attempt: message.attempts,
          outcome: outcome.kind,
          duration_ms: Date.now() - started,
        });
      } catch (err) {
        // Our own failure (D1 unavailable, a bug): the queue retries the message; a post left
        // in `publishing` is taken again by the cron once its lease runs out.
        logger.error("publish job crashed", {
          post_id: body.post_id,
          error: err instanceof Error ? err.message : String(err),
        });
        message.retry();
      }
    }),
  );
}

// Messages the queue gave up on. A post that still has attempts left never reached a platform
// on its last tries (our own outage, say): it goes back to `pending` for the next cron run.
// Otherwise it is marked failed with the last error it saw, so a person can read why. A post
// that went out, was cancelled, or is held by a consumer under a live lease is left alone.
export async function handleDeadLetterBatch(
  batch: MessageBatch<unknown>,
  env: Cloudflare.Env,
): Promise<void> {
  const logger = createLogger({ job: "publish-dead-letter", queue: batch.queue });
  const now = Date.now();
  for (const message of batch.messages) {
    if (!isPublishMessage(message.body)) {
      message.ack();
      continue;
    }
    const { post_id, workspace_id } = message.body;
    const post = await env.DB.prepare(
      `UPDATE scheduled_posts
          SET status = CASE WHEN attempts < ?4 THEN 'pending' ELSE 'failed' END,
              last_error = CASE WHEN attempts < ?4 THEN last_error
                ELSE 'Gave up after repeated failures' || coalesce(': ' || last_error, '') END,
              lease_until = NULL, updated_at = ?3
        WHERE id = ?1 AND workspace_id = ?2
          AND status NOT IN ('published', 'cancelled', 'failed')
          AND NOT (status = 'publishing' AND lease_until > ?3)
        RETURNING content_id, status`,
    )
      .bind(post_id, workspace_id, now, MAX_PUBLISH_ATTEMPTS)
      .first<{ content_id: string; status: string }>();
    if (post?.status === "failed") {
      await syncContentStatus(env.DB, workspace_id, post.content_id, now).run();
    }
    logger.warn("publish message dead-lettered", {
      post_id,
      workspace: workspace_id,
      outcome: post?.status ?? "left alone",
    });
    message.ack();
  }
}
