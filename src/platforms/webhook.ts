import { z } from "@hono/zod-openapi";
import {
  type OutgoingPost,
  type PlatformAdapter,
  PlatformError,
  type PublishContext,
  type PublishResult,
  type RuleViolation,
} from "./adapter";
import { callPlatform, readCredentials } from "./platform-request";
import { isSigningSecret, signWebhook } from "./webhook-signature";

// Receivers tell this event apart from the workspace's other webhook events by its type.
export const WEBHOOK_EVENT_TYPE = "post.publish";

// Whether the URL may point at private or loopback addresses is decided where the account is
// connected, which knows the environment; this schema only checks the shape.
const credentialsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  signing_secret: z.string().refine(isSigningSecret, "must be whsec_ followed by base64"),
});

function validate(post: { text: string }): RuleViolation[] {
  return post.text.trim() === ""
    ? [{ field: "text", message: "A webhook post needs some text" }]
    : [];
}

export function webhookPayload(post: OutgoingPost, nowMs: number): string {
  return JSON.stringify({
    type: WEBHOOK_EVENT_TYPE,
    timestamp: new Date(nowMs).toISOString(),
    data: {
      post_id: post.postId,
      content_id: post.contentId,
      workspace_id: post.workspaceId,
      platform: post.platform,
      title: post.title,
      description: post.description,
      text: post.text,
      media: post.media,
      scheduled_at: new Date(post.scheduledAt).toISOString(),
    },
  });
}

// The post id is the delivery id: the same on every retry, so a receiver drops duplicates.
async function publish(post: OutgoingPost, ctx: PublishContext): Promise<PublishResult> {
  const { url, signing_secret } = readCredentials("webhook", credentialsSchema, ctx);
  const now = ctx.now();
  const timestamp = Math.floor(now / 1000);
  const body = webhookPayload(post, now);
  await callPlatform("webhook", ctx, url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "webhook-id": post.postId,
      "webhook-timestamp": `${timestamp}`,
      "webhook-signature": await signWebhook(signing_secret, post.postId, timestamp, body),
    },
    body,
  });
  return { externalId: post.postId, url: null };
}

async function fetchMetrics(): Promise<never> {
  throw new PlatformError("permanent", "A webhook has no metrics to fetch");
}

export const webhookAdapter: PlatformAdapter = {
  platform: "webhook",
  credentialsSchema,
  validate,
  publish,
  fetchMetrics,
};
