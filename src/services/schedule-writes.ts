import { and, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../context";
import { scheduledPosts } from "../db/schema";
import { ApiError } from "../errors";
import { newId } from "../ids";
import type { PostTarget } from "./post-targets";

export type Statement = BatchItem<"sqlite">;

// Posts not yet taken by the publisher: they can still be cancelled or replaced. A queued
// post whose message arrives after cancellation is skipped by the consumer.
export const OPEN_POST_STATUSES = ["pending", "queued"] as const;

// A schedule can be this far in the past and still be accepted: the client's clock and the
// request's trip over the network together may lag a little behind ours.
export const SCHEDULE_GRACE_MS = 60_000;
// Nothing further out than this; a year covers every campaign calendar we have seen.
export const SCHEDULE_HORIZON_MS = 366 * 24 * 60 * 60 * 1000;

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
): { scheduleId: string; postIds: string[]; statements: Statement[] } {
  const scheduleId = newId("scd");
  const rows = input.targets.map((target) => ({
    id: newId("scd"),
    scheduleId,
    workspaceId: input.workspaceId,
    contentId: input.contentId,
    platform: target.platform,
    accountId: target.accountId,
    scheduledAt: input.scheduledAt,
    status: input.status ?? "pending",
    leaseUntil: input.leaseUntil ?? null,
    createdAt: input.now,
    updatedAt: input.now,
  }));
  const ids = rows.map((r) => r.id);
  // The check that refused platforms already out ran a round trip earlier, and a consumer may
  // have taken a post since. Re-checked in the same batch (one transaction), a new post for
  // such a platform is cancelled at once and never sent.
  const recheck = db
    .update(scheduledPosts)
    .set({ status: "cancelled" })
    .where(
      and(
        inArray(scheduledPosts.id, ids),
        sql`exists (select 1 from scheduled_posts live
                     where live.workspace_id = ${input.workspaceId}
                       and live.content_id = ${input.contentId}
                       and live.platform = scheduled_posts.platform
                       and live.status in ('publishing', 'published'))`,
      ),
    );
  return {
    scheduleId,
    postIds: ids,
    statements: [db.insert(scheduledPosts).values(rows), recheck],
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
