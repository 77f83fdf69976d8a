import { and, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../context";
import { type PostRow, scheduledPosts } from "../db/schema";
import { failWhen } from "../db/write-guard";
import { ApiError } from "../errors";
import { newId } from "../ids";
import type { PostTarget } from "./post-targets";

export type Statement = BatchItem<"sqlite">;

// Posts not yet taken by the publisher: they can still be cancelled or replaced. A queued
// post whose message arrives after cancellation is skipped by the consumer.
export const OPEN_POST_STATUSES = ["pending", "queued"] as const;

export function insertPosts(
  db: Database,
  input: {
    workspaceId: string;
    contentId: string;
    targets: readonly { platform: PostTarget["platform"]; accountId: string | null }[];
    scheduledAt: number;
    now: number;
    status?: "pending" | "queued";
    leaseUntil?: number | null;
  },
): { scheduleId: string; postIds: string[]; rows: PostRow[]; statements: Statement[] } {
  const scheduleId = newId("scd");
  // Whole rows, as stored, so callers can answer with them without reading them back.
  const rows: PostRow[] = input.targets.map((target) => ({
    id: newId("scd"),
    scheduleId,
    workspaceId: input.workspaceId,
    contentId: input.contentId,
    platform: target.platform,
    accountId: target.accountId,
    scheduledAt: input.scheduledAt,
    status: input.status ?? "pending",
    attempts: 0,
    lastError: null,
    externalId: null,
    externalUrl: null,
    leaseUntil: input.leaseUntil ?? null,
    publishState: null,
    publishedAt: null,
    createdAt: input.now,
    updatedAt: input.now,
  }));
  const ids = rows.map((r) => r.id);
  const platforms = sql.join(
    rows.map((r) => sql`${r.platform}`),
    sql`, `,
  );
  // The check that refused platforms already out ran a round trip earlier, and a consumer may
  // have taken a post since. Checked again inside the batch, such a post fails the whole
  // write, which the caller answers with 409.
  const recheck = failWhen(
    db,
    sql`exists (
      select 1 from scheduled_posts
       where workspace_id = ${input.workspaceId} and content_id = ${input.contentId}
         and platform in (${platforms}) and status in ('publishing', 'published'))`,
  );
  return {
    scheduleId,
    postIds: ids,
    rows,
    statements: rows.length > 0 ? [recheck, db.insert(scheduledPosts).values(rows)] : [],
  };
}

// Cancels the content's posts that have not gone out, optionally only some platforms.
export function cancelOpenPosts(
  db: Database,
  input: { workspaceId: string; contentId: string; platforms?: readonly string[]; now: number },
): Statement {
  const conditions = [
    eq(scheduledPosts.workspaceId, input.workspaceId),
    eq(scheduledPosts.contentId, input.contentId),
    inArray(scheduledPosts.status, [...OPEN_POST_STATUSES]),
  ];
  if (input.platforms) conditions.push(inArray(scheduledPosts.platform, [...input.platforms]));
  return db
    .update(scheduledPosts)
    .set({ status: "cancelled", updatedAt: input.now })
    .where(and(...conditions));
}

// Replaces a platform's earlier failed posts too when it is scheduled again, so the content's
// status follows the new attempt instead of the old failure.
export function supersedeFailedPosts(
  db: Database,
  input: { workspaceId: string; contentId: string; platforms: readonly string[]; now: number },
): Statement {
  return db
    .update(scheduledPosts)
    .set({ status: "cancelled", updatedAt: input.now })
    .where(
      and(
        eq(scheduledPosts.workspaceId, input.workspaceId),
        eq(scheduledPosts.contentId, input.contentId),
        eq(scheduledPosts.status, "failed"),
        inArray(scheduledPosts.platform, [...input.platforms]),
      ),
    );
}

// Platforms where the content is out or going out. Scheduling or publishing again leaves
// them alone, so retrying a partial failure never posts twice where it already went out.
export async function livePlatforms(
  db: Database,
  workspaceId: string,
  contentId: string,
): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ platform: scheduledPosts.platform })
    .from(scheduledPosts)
    .where(
      and(
        eq(scheduledPosts.workspaceId, workspaceId),
        eq(scheduledPosts.contentId, contentId),
        inArray(scheduledPosts.status, ["publishing", "published"]),
      ),
    );
  return new Set(rows.map((r) => r.platform));
}

export function withoutLive<T extends { platform: string }>(targets: T[], live: Set<string>): T[] {
  const remaining = targets.filter((t) => !live.has(t.platform));
  if (targets.length > 0 && remaining.length === 0) {
    throw new ApiError(
      "conflict",
      `The content is already out, or going out, on ${[...live].sort().join(", ")}`,
      { live: [...live].sort() },
    );
  }
  return remaining;
}
