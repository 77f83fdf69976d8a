import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../context";
import { accounts } from "../db/schema";
import { type FieldIssue, validationFailed } from "../errors";
import { type MediaItem, postText } from "../platforms/adapter";
import { adapterFor } from "../platforms/registry";
import type { Platform } from "../platforms/supported";

export type PostTarget = { platform: Platform; accountId: string };

// Where each post goes: the named accounts, and for each platform listed without an account,
// that platform's default account. A platform the workspace has not connected is refused.
export async function resolveTargets(
  db: Database,
  workspaceId: string,
  request: { platforms?: readonly Platform[]; accountIds?: readonly string[] },
): Promise<PostTarget[]> {
  const accountIds = [...new Set(request.accountIds ?? [])];
  const platforms = [...new Set(request.platforms ?? [])];
  const live = and(eq(accounts.workspaceId, workspaceId), isNull(accounts.deletedAt));
  const issues: FieldIssue[] = [];
  const targets: PostTarget[] = [];

  if (accountIds.length > 0) {
    const rows = await db
      .select({ id: accounts.id, platform: accounts.platform, status: accounts.status })
      .from(accounts)
      .where(and(live, inArray(accounts.id, accountIds)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of accountIds) {
      const row = byId.get(id);
      if (!row) issues.push({ field: "account_ids", message: `${id} is not an account here` });
      else if (row.status !== "active") {
        issues.push({ field: "account_ids", message: `${id} needs to be re-authorised` });
      } else targets.push({ platform: row.platform as Platform, accountId: row.id });
    }
  }

  const covered = new Set(targets.map((t) => t.platform));
  const wanted = platforms.filter((p) => !covered.has(p));
  if (wanted.length > 0) {
    const defaults = await db
      .select({ id: accounts.id, platform: accounts.platform, status: accounts.status })
      .from(accounts)
      .where(and(live, eq(accounts.isDefault, true), inArray(accounts.platform, wanted)));
    const byPlatform = new Map(defaults.map((r) => [r.platform, r]));
    for (const platform of wanted) {
      const row = byPlatform.get(platform);
      if (!row) {
        issues.push({
          field: "platforms",
          message: `${platform} is not connected to this workspace`,
        });
      } else if (row.status !== "active") {
        issues.push({
          field: "platforms",
          message: `the ${platform} account needs re-authorising`,
        });
      } else targets.push({ platform, accountId: row.id });
    }
  }

  if (issues.length > 0) throw validationFailed(issues);
  return targets;
}

// Each platform's rules (length, hashtags, media), checked before anything is scheduled so a
// post that could never go out is refused now rather than failing later.
export function checkPlatformRules(
  platforms: readonly Platform[],
  content: { title: string; description: string; media: MediaItem[] },
): void {
  const text = postText(content.title, content.description);
  const issues: FieldIssue[] = [];
  for (const platform of new Set(platforms)) {
    for (const v of adapterFor(platform).validate({ text, media: content.media })) {
      issues.push({ field: v.field, message: `${platform}: ${v.message}` });
    }
  }
  if (issues.length > 0) throw validationFailed(issues);
}
