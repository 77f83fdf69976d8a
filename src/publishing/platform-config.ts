import type { Platform } from "../platforms/supported";

// Where each platform's API lives. Production uses the platforms; local development and tests
// point these at the stand-in. A webhook's URL belongs to its account, so it has no base.
export function platformBaseUrl(env: Cloudflare.Env, platform: Platform): string {
  switch (platform) {
    case "twitter":
      return env.TWITTER_API_BASE || "https://api.x.com";
    case "linkedin":
      return env.LINKEDIN_API_BASE || "https://api.linkedin.com";
    case "instagram":
      return env.INSTAGRAM_API_BASE || "https://graph.facebook.com/v23.0";
    case "webhook":
      return "";
  }
}

export const PUBLISH_TIMEOUT_MS = 15_000;
// Must stay above the queue's max_retries in wrangler.toml, so our own last attempt records
// the platform's reason before the queue gives the message to the dead-letter consumer.
export const MAX_PUBLISH_ATTEMPTS = 6;
// A post being published holds its lease this long; it must outlast the slowest adapter
// (Instagram polls its container) so no other consumer takes the post meanwhile.
export const PUBLISHING_LEASE_MS = 3 * 60_000;
