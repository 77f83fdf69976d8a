// Content and its scheduled posts: each content item goes to every platform at once (as one
// POST /v1/schedule would make it), with text unique per item because X refuses a duplicate.
// scheduled_at is stored as an offset from zero; dueFrom() moves every post onto the clock
// just before the cron runs, so the seeding time never eats into the lead.
import { newId } from "../../../scripts/lib/local-db.mjs";
import { insertRows } from "./insert-rows.mjs";

const CONTENT_COLUMNS = [
  "id",
  "workspace_id",
  "title",
  "description",
  "platforms",
  "status",
  "scheduled_at",
  "created_at",
  "updated_at",
];
const POST_COLUMNS = [
  "id",
  "schedule_id",
  "workspace_id",
  "content_id",
  "platform",
  "account_id",
  "scheduled_at",
  "status",
  "created_at",
  "updated_at",
];

export async function seedPosts(db, tenants, { posts, platforms, spreadSeconds, now }) {
  const contentRows = [];
  const postRows = [];
  const items = Math.ceil(posts / platforms.length);
  for (let i = 0; i < items; i++) {
    const tenant = tenants[i % tenants.length];
    const contentId = newId("cnt");
    const scheduleId = newId("scd");
    const offset = (i % spreadSeconds) * 1000;
    const targets = platforms.slice(0, Math.min(platforms.length, posts - postRows.length));
    contentRows.push([
      contentId,
      tenant.id,
      `Bench announcement ${i + 1}`,
      `Item ${i + 1} of the publish bench: one of many posts due in the same minute.`,
      JSON.stringify(targets),
      "scheduled",
      offset,
      now,
      now,
    ]);
    for (const platform of targets) {
      postRows.push([
        newId("scd"),
        scheduleId,
        tenant.id,
        contentId,
        platform,
        tenant.accounts[platform],
        offset,
        "pending",
        now,
        now,
      ]);
    }
  }
  await insertRows(db, "content", CONTENT_COLUMNS, contentRows);
  await insertRows(db, "scheduled_posts", POST_COLUMNS, postRows);
  return { contentItems: contentRows.length, posts: postRows.length };
}

// Puts the first posts `base` ms after the epoch's zero, i.e. on the wall clock.
export async function dueFrom(db, base) {
  await db.batch([
    db.prepare("UPDATE scheduled_posts SET scheduled_at = scheduled_at + ?1").bind(base),
    db.prepare("UPDATE content SET scheduled_at = scheduled_at + ?1").bind(base),
  ]);
}
