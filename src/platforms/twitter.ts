import { z } from "@hono/zod-openapi";
import type { MetricsSnapshot, PlatformAdapter, PublishContext, RuleViolation } from "./adapter";
import {
  callPlatform,
  countField,
  missingField,
  platformUrl,
  readCredentials,
  readJson,
  stringField,
} from "./platform-request";
import { X_MAX_WEIGHTED_LENGTH, xTextLength } from "./x-text-length";

const MAX_MEDIA = 4;
// Post ids are 64-bit integers that a JavaScript number would round, so they stay strings.
const POST_ID = /^\d{1,20}$/;

const credentialsSchema = z.object({ access_token: z.string().min(1) });

function headers(ctx: PublishContext): Record<string, string> {
  const { access_token } = readCredentials("X", credentialsSchema, ctx);
  return { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" };
}

function validate(post: { text: string; media: unknown[] }): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const length = xTextLength(post.text);
  if (post.text.trim() === "") {
    violations.push({ field: "text", message: "X needs some text" });
  } else if (length > X_MAX_WEIGHTED_LENGTH) {
    violations.push({
      field: "text",
      message: `X allows ${X_MAX_WEIGHTED_LENGTH} characters as X counts them; this has ${length}`,
    });
  }
  if (post.media.length > MAX_MEDIA) {
    violations.push({ field: "media", message: `X allows at most ${MAX_MEDIA} media items` });
  }
  return violations;
}

// X has no idempotency key. A response lost after X created the post makes the retry fail with
// X's duplicate-content refusal (permanent) rather than post twice.
async function publish(
  post: { text: string; media: unknown[] },
  ctx: PublishContext,
): Promise<{ externalId: string; url: string }> {
  // Media must first go through X's media upload endpoints, which this adapter does not call
  // yet, so X gets the text alone; refusing media would make content for Instagram (which
  // needs an image) and X impossible to schedule together.
  const res = await callPlatform("twitter", ctx, platformUrl(ctx, "/2/tweets"), {
    method: "POST",
    headers: headers(ctx),
    body: JSON.stringify({ text: post.text }),
  });
  const body = await readJson("twitter", res, ctx.timeoutMs);
  const id = stringField(body?.data, "id");
  if (!id || !POST_ID.test(id)) throw missingField("X", "a post id", res.status);
  return { externalId: id, url: `https://x.com/i/web/status/${id}` };
}

async function fetchMetrics(externalId: string, ctx: PublishContext): Promise<MetricsSnapshot> {
  const url = platformUrl(ctx, `/2/tweets/${encodeURIComponent(externalId)}`, {
    "tweet.fields": "public_metrics",
  });
  const res = await callPlatform("twitter", ctx, url, { headers: headers(ctx) });
  const body = await readJson("twitter", res, ctx.timeoutMs);
  const data = body?.data as Record<string, unknown> | undefined;
  // X answers 200 with only `errors` for a post it cannot find (deleted, or protected).
  if (!data?.public_metrics) throw missingField("X", "public metrics for the post", res.status);
  const metrics = data.public_metrics;
  return {
    impressions: countField(metrics, "impression_count"),
    reach: 0,
    clicks: 0,
    likes: countField(metrics, "like_count"),
    comments: countField(metrics, "reply_count"),
    shares: countField(metrics, "retweet_count") + countField(metrics, "quote_count"),
    saves: countField(metrics, "bookmark_count"),
  };
}

export const twitterAdapter: PlatformAdapter = {
  platform: "twitter",
  credentialsSchema,
  validate,
  publish,
  fetchMetrics,
};
