import type { z } from "@hono/zod-openapi";
import type { Platform } from "./supported";

export type MediaItem = { url: string; type: "image" | "video" };

// What goes out: the content's text and media, and ids that make a delivery recognisable.
export type OutgoingPost = {
  // The scheduled post's id: stable across retries, so it doubles as a delivery id.
  postId: string;
  contentId: string;
  workspaceId: string;
  platform: Platform;
  title: string;
  description: string;
  // The text a platform shows: title and description joined by a blank line (see postText).
  text: string;
  media: MediaItem[];
  scheduledAt: number;
};

export type RuleViolation = { field: string; message: string };

export type PublishResult = { externalId: string; url: string | null };

// Why a platform call failed decides what happens next:
// - transient: network error, timeout, 429, 5xx — retry with back-off (retryAfterSeconds wins)
// - auth: the account's token is invalid or expired — no retry, the account needs re-auth
// - permanent: the platform refused the post — no retry; `message` is the platform's reason
export type FailureKind = "transient" | "auth" | "permanent";

export class PlatformError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status: number | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "PlatformError";
  }
}

export type PublishContext = {
  fetch: typeof fetch;
  // Base URL of the platform's API from configuration (a local stand-in in development).
  baseUrl: string;
  // Decrypted account credentials, already checked against the adapter's credentialsSchema.
  credentials: Record<string, string>;
  // State an adapter keeps between attempts of one post (e.g. Instagram's container id), so a
  // retry after a timeout can check what the platform already did instead of posting twice.
  state: Record<string, string>;
  saveState(state: Record<string, string>): Promise<void>;
  timeoutMs: number;
  now(): number;
};

export type MetricsSnapshot = {
  impressions: number;
  reach: number;
  clicks: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
};

export interface PlatformAdapter {
  readonly platform: Platform;
  // Shape of the credentials a person connects (access token, ids, webhook URL...).
  readonly credentialsSchema: z.ZodType<Record<string, string>>;
  // The platform's rules, checked when a post is scheduled.
  validate(post: Pick<OutgoingPost, "text" | "media">): RuleViolation[];
  publish(post: OutgoingPost, ctx: PublishContext): Promise<PublishResult>;
  fetchMetrics(externalId: string, ctx: PublishContext): Promise<MetricsSnapshot>;
}

export function postText(title: string, description: string): string {
  return description.trim() ? `${title.trim()}\n\n${description.trim()}` : title.trim();
}
