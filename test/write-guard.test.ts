import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import { content } from "../src/db/schema";
import { failUnlessChanged, isStaleWrite } from "../src/db/write-guard";
import { createWorkspace } from "./helpers/fixtures";

describe("failUnlessChanged", () => {
  it("lets the batch through when the conditional update changed a row", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const db = database(env.DB);
    const now = Date.now();
    await db.insert(content).values({
      id: `cnt_guard_${now}`,
      workspaceId: ws.workspaceId,
      title: "Before",
      platforms: ["twitter"],
      status: "draft",
      createdAt: now,
      updatedAt: now,
    });

    await db.batch([
      db
        .update(content)
        .set({ title: "After" })
        .where(eq(content.id, `cnt_guard_${now}`)),
      failUnlessChanged(db),
      db
        .update(content)
        .set({ description: "kept" })
        .where(eq(content.id, `cnt_guard_${now}`)),
    ]);

    const row = await db
      .select()
      .from(content)
      .where(eq(content.id, `cnt_guard_${now}`))
      .get();
    expect(row?.title).toBe("After");
    expect(row?.description).toBe("kept");
  });

  it("rolls the whole batch back when the conditional update matched nothing", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const db = database(env.DB);
    const now = Date.now();
    const id = `cnt_stale_${now}`;
    await db.insert(content).values({
      id,
      workspaceId: ws.workspaceId,
      title: "Before",
      platforms: ["twitter"],
      status: "draft",
      createdAt: now,
      updatedAt: now,
    });

    const error = await db
      .batch([
        db.update(content).set({ title: "Lost" }).where(eq(content.id, "cnt_nothing")),
        failUnlessChanged(db),
        db.update(content).set({ title: "Must not happen" }).where(eq(content.id, id)),
      ])
      .catch((e: unknown) => e);

    expect(isStaleWrite(error)).toBe(true);
    const row = await db.select().from(content).where(eq(content.id, id)).get();
    expect(row?.title).toBe("Before");
  });
});

describe("insertPosts", () => {
  it("fails the batch rather than add a post where one is already out", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const db = database(env.DB);
    const now = Date.now();
    const id = `cnt_live_${now}`;
    await db.insert(content).values({
      id,
      workspaceId: ws.workspaceId,
      title: "Out already",
      platforms: ["twitter"],
      status: "scheduled",
      createdAt: now,
      updatedAt: now,
    });
    const { insertPosts } = await import("../src/services/schedule-writes");
    const first = insertPosts(db, {
      workspaceId: ws.workspaceId,
      contentId: id,
      targets: [{ platform: "twitter", accountId: null }],
      scheduledAt: now,
      now,
    });
    await db.batch(first.statements as [never, ...never[]]);
    await env.DB.prepare("UPDATE scheduled_posts SET status = 'published' WHERE content_id = ?")
      .bind(id)
      .run();

    const again = insertPosts(db, {
      workspaceId: ws.workspaceId,
      contentId: id,
      targets: [{ platform: "twitter", accountId: null }],
      scheduledAt: now,
      now,
    });
    const error = await db.batch(again.statements as [never, ...never[]]).catch((e: unknown) => e);

    expect(isStaleWrite(error)).toBe(true);
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM scheduled_posts WHERE content_id = ?",
    )
      .bind(id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });
});
