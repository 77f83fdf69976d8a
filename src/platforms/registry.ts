import type { PlatformAdapter } from "./adapter";
import { instagramAdapter } from "./instagram";
import { linkedinAdapter } from "./linkedin";
import type { Platform } from "./supported";
import { twitterAdapter } from "./twitter";
import { webhookAdapter } from "./webhook";

export const platformAdapters: Readonly<Record<Platform, PlatformAdapter>> = {
  twitter: twitterAdapter,
  linkedin: linkedinAdapter,
  instagram: instagramAdapter,
  webhook: webhookAdapter,
};

export function adapterFor(platform: Platform): PlatformAdapter {
  return platformAdapters[platform];
}
