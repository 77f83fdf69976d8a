import { open } from "../crypto/credential-box";
import type { Logger } from "../logger";
import {
  type OutgoingPost,
  PlatformError,
  type PublishResult,
  postText,
} from "../platforms/adapter";
import { adapterFor } from "../platforms/registry";
import type { Platform } from "../platforms/supported";
import { syncContentStatus } from "./content-status-sync";
import {
  MAX_PUBLISH_ATTEMPTS,
  PUBLISH_TIMEOUT_MS,
  PUBLISHING_LEASE_MS,
  platformBaseUrl,
} from "./platform-config";
import { retryDelaySeconds } from "./retry-policy";

type ClaimedPost = {
  id: string;
  workspace_id: string;
  content_id: string;
  platform: Platform;
  account_id: string | null;
  resolved_account_id: string | null;
  scheduled_at: number;
  attempts: number;
  publish_state: string | null;
  title: string;
  description: string;
  media: string;
  account_status: string | null;
  account_deleted_at: number | null;
  credentials_ciphertext: string | null;
  credentials_iv: string | null;
  credentials_key_id: string | null;
};

const EARLY_WAIT_MS = 1500;
const SETTLE_TRIES = 8;
const SETTLE_MARGIN_MS = 30_000;

export type Outcome =
  | { kind: "skipped"; reason: string }
  | { kind: "published"; externalId: string }
  | { kind: "retry"; delaySeconds: number; error: string }
  | { kind: "failed"; error: string };

// Takes the post for publishing and reads what it needs, in one round trip. Only a queued
// post, or one whose publishing lease lapsed, moves to `publishing`: a duplicate message, a
// cancelled or an already published post matches nothing and is skipped — this is what makes
// at-least-once delivery safe. The read only counts when this claim took the post.
async function claimAndLoad(
  d1: D1Database,
  postId: string,
  workspaceId: string,
  now: number,
): Promise<ClaimedPost | null> {
  const [claimed, loaded] = await d1.batch<{ id: string } | ClaimedPost>([
    d1
      .prepare(
        `UPDATE scheduled_posts
            SET status = 'publishing', attempts = attempts + 1, lease_until = ?3, updated_at = ?4
          WHERE id = ?1 AND workspace_id = ?2
            AND (status = 'queued' OR (status = 'publishing' AND lease_until < ?4))
          RETURNING id`,
      )
      .bind(postId, workspaceId, now + PUBLISHING_LEASE_MS, now),
    d1
      .prepare(
        `SELECT p.id, p.workspace_id, p.content_id, p.platform, p.account_id, p.scheduled_at,
                p.attempts, p.publish_state, a.id AS resolved_account_id,
                c.title, c.description, c.media,
                a.status AS account_status, a.deleted_at AS account_deleted_at,
                a.credentials_ciphertext, a.credentials_iv, a.credentials_key_id
           FROM scheduled_posts p
           JOIN content c ON c.id = p.content_id AND c.workspace_id = p.workspace_id
           -- Posts made before accounts existed have none: they go through the default.
           LEFT JOIN accounts a ON a.workspace_id = p.workspace_id AND a.id = coalesce(
             p.account_id,
             (SELECT d.id FROM accounts d
               WHERE d.workspace_id = p.workspace_id AND d.platform = p.platform
                 AND d.is_default = 1 AND d.deleted_at IS NULL))
          WHERE p.id = ?1 AND p.workspace_id = ?2`,
      )
      .bind(postId, workspaceId),
  ]);
  if (!claimed?.results.length) return null;
  return (loaded?.results[0] as ClaimedPost | undefined) ?? null;
}

function settle(
  d1: D1Database,
  post: ClaimedPost,
  now: number,
  fields: { status: string; error: string | null; externalId?: string; url?: string | null },
) {
  return [
    d1
      .prepare(
        `UPDATE scheduled_posts
            SET status = ?2, last_error = ?3, external_id = coalesce(?4, external_id),
                external_url = coalesce(?5, external_url),
                published_at = CASE WHEN ?2 = 'published' THEN ?6 ELSE published_at END,
                lease_until = NULL, updated_at = ?6
          WHERE id = ?1 AND workspace_id = ?7 AND status IN ('publishing', 'queued')`,
      )
      .bind(
        post.id,
        fields.status,
        fields.error,
        fields.externalId ?? null,
        fields.url ?? null,
        now,
        post.workspace_id,
      ),
    syncContentStatus(d1, post.workspace_id, post.content_id, now),
  ];
}

export async function publishPost(
  env: Cloudflare.Env,
  message: { postId: string; workspaceId: string; attempt: number },
  logger: Logger,
  fetcher: typeof fetch,
): Promise<Outcome> {
  const d1 = env.DB;
  const now = Date.now();
  const post = await claimAndLoad(d1, message.postId, message.workspaceId, now);
  if (!post) {
    return { kind: "skipped", reason: "not queued (published, cancelled or in flight)" };
  }

  const fail = async (error: string): Promise<Outcome> => {
    await d1.batch(settle(d1, post, Date.now(), { status: "failed", error }));
    return { kind: "failed", error };
  };

  const accountId = post.resolved_account_id;
  if (!accountId || post.account_deleted_at !== null || !post.credentials_ciphertext) {
    return fail(
      `The ${post.platform} account for this post was disconnected; connect one and reschedule`,
    );
  }
  if (post.account_status !== "active") {
    return fail(`The ${post.platform} account needs to be re-authorised before posting`);
  }

  // The cron's message arrives up to a second early (queue delays are whole seconds, rounded
  // down); wait out that second so the post goes out on it, not before. Only messages sent
  // by hand (tests, an operator) arrive earlier than that, and they are taken as "now".
  const early = post.scheduled_at - Date.now();
  if (early > 0 && early <= EARLY_WAIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, early));
  }

  // Our own data failing (a credential key no longer configured, a corrupt row) would fail
  // the same way on every attempt, so the post fails with the reason instead of going round.
  let outgoing: OutgoingPost;
  let credentials: Record<string, string>;
  let state: Record<string, string>;
  try {
    credentials = await open(env.CREDENTIAL_KEYS, `${post.workspace_id}/${accountId}`, {
      ciphertext: post.credentials_ciphertext,
      iv: post.credentials_iv ?? "",
      keyId: post.credentials_key_id ?? "",
    });
    outgoing = {
      postId: post.id,
      contentId: post.content_id,
      workspaceId: post.workspace_id,
      platform: post.platform,
      title: post.title,
      description: post.description,
      text: postText(post.title, post.description),
      media: JSON.parse(post.media) as OutgoingPost["media"],
      scheduledAt: post.scheduled_at,
    };
    state = post.publish_state ? JSON.parse(post.publish_state) : {};
  } catch (err) {
    logger.error("cannot prepare post", { post_id: post.id, error: String(err) });
    return fail(`Could not read this post's stored account credentials or content: ${err}`);
  }

  let result: PublishResult;
  try {
    result = await adapterFor(post.platform).publish(outgoing, {
      fetch: fetcher,
      baseUrl: platformBaseUrl(env, post.platform),
      credentials,
      state,
      saveState: async (next) => {
        state = next;
        await d1
          .prepare(
            "UPDATE scheduled_posts SET publish_state = ?2 WHERE id = ?1 AND workspace_id = ?3",
          )
          .bind(post.id, JSON.stringify(next), post.workspace_id)
          .run();
      },
      timeoutMs: PUBLISH_TIMEOUT_MS,
      now: () => Date.now(),
    });
  } catch (err) {
    // The row counts every attempt, including those of messages the cron sent again after a
    // lease ran out, which the queue's own count does not see.
    const attempt = Math.max(message.attempt, post.attempts);
    const failure =
      err instanceof PlatformError
        ? err
        : new PlatformError("transient", err instanceof Error ? err.message : String(err));
    const error = `${post.platform}: ${failure.message}`;
    logger.warn("publish attempt failed", {
      post_id: post.id,
      platform: post.platform,
      kind: failure.kind,
      status: failure.status,
      attempt,
    });

    if (failure.kind === "auth") {
      await d1.batch([
        ...settle(d1, post, Date.now(), { status: "failed", error }),
        d1
          .prepare(
            `UPDATE accounts SET status = 'needs_reauth', status_reason = ?3,
                    updated_at = ?4
              WHERE id = ?1 AND workspace_id = ?2`,
          )
          .bind(accountId, post.workspace_id, failure.message, Date.now()),
      ]);
      return { kind: "failed", error };
    }
    if (failure.kind === "permanent" || attempt >= MAX_PUBLISH_ATTEMPTS) {
      return fail(error);
    }

    const delaySeconds = retryDelaySeconds(attempt, failure.retryAfterSeconds);
    await d1
      .prepare(
        `UPDATE scheduled_posts SET status = 'queued', last_error = ?2, lease_until = ?3,
                updated_at = ?4
          WHERE id = ?1 AND workspace_id = ?5 AND status = 'publishing'`,
      )
      .bind(
        post.id,
        error,
        Date.now() + delaySeconds * 1000 + PUBLISHING_LEASE_MS,
        Date.now(),
        post.workspace_id,
      )
      .run();
    return { kind: "retry", delaySeconds, error };
  }

  // The platform has the post. It is recorded before the message is acked, so a redelivery
  // finds it published.
  const published = settle(d1, post, Date.now(), {
    status: "published",
    error: null,
    externalId: result.externalId,
    url: result.url,
  });
  // Tried for about half a minute, inside the lease, so a short D1 outage does not leave the
  // post to be taken again by the cron; after that the adapter's saved state is what keeps a
  // second attempt from posting twice.
  // Never past the lease: after it, the cron may hand the post to another consumer.
  const deadline = now + PUBLISHING_LEASE_MS - SETTLE_MARGIN_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await d1.batch(published);
      return { kind: "published", externalId: result.externalId };
    } catch (err) {
      if (attempt >= SETTLE_TRIES || Date.now() >= deadline) {
        logger.error("published but could not record it", {
          post_id: post.id,
          external_id: result.externalId,
          error: String(err),
        });
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 10_000)));
    }
  }
}
