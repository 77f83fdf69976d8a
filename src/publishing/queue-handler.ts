import { createLogger } from "../logger";
import { syncContentStatus } from "./content-status-sync";
import { isPublishMessage, type PublishMessage } from "./messages";
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

// Messages the queue gave up on. The post is marked failed with the last error it saw, so a
// person can read why; a post that did go out or was cancelled is left as it is.
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
          SET status = 'failed', lease_until = NULL, updated_at = ?3,
              last_error = 'Gave up after repeated failures' ||
                           coalesce(': ' || last_error, '')
        WHERE id = ?1 AND workspace_id = ?2
          AND status NOT IN ('published', 'cancelled', 'failed')
          -- A consumer that holds a live lease is still working on it and will settle it.
          AND NOT (status = 'publishing' AND lease_until > ?3)
        RETURNING content_id`,
    )
      .bind(post_id, workspace_id, now)
      .first<{ content_id: string }>();
    if (post) {
      await syncContentStatus(env.DB, workspace_id, post.content_id, now).run();
    }
    logger.warn("publish message dead-lettered", { post_id, workspace: workspace_id });
    message.ack();
  }
}
