import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { SCOPES } from "../src/auth/scopes";
import { sha256Hex } from "../src/auth/secret-hash";
import * as schema from "../src/db/schema";
import { newId, randomToken } from "../src/ids";
import { api, createWorkspace, inHours, issueToken, json } from "./helpers/fixtures";

const TABLES: SQLiteTable[] = Object.values(schema as Record<string, unknown>).filter(
  (value): value is SQLiteTable => is(value, SQLiteTable),
);

// The tables seed() writes to: through the API, and `accounts` through createWorkspace(),
// which connects one account per platform straight in D1.
const SEEDED_BY_API = [
  "accounts",
  "workspaces",
  "users",
  "memberships",
  "api_keys",
  "content",
  "scheduled_posts",
  "post_metrics",
  "invitations",
];

async function tableNames(): Promise<string[]> {
  const rows = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
      "AND name NOT LIKE '_cf_%' ORDER BY name",
  ).all<{ name: string }>();
  return rows.results.map((r) => r.name);
}

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const { name } = getTableConfig(table);
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM "${name}"`).first<{ n: number }>();
    counts[name] = row?.n ?? -1;
  }
  return counts;
}

// Data through the API in every table the API writes, plus an API key and a membership.
async function seed() {
  const ws = await createWorkspace();
  const created = await api("/content", {
    method: "POST",
    token: ws.token,
    body: {
      title: "Survivor #Keep",
      platforms: ["instagram"],
      // Instagram refuses a post without exactly one image or video.
      media: [{ url: "https://cdn.example.test/a.jpg", type: "image" }],
      scheduled_at: inHours(5),
    },
  });
  expect(created.status).toBe(201);
  const content = await json<{ id: string }>(created);
  const metrics = await api("/analytics/metrics", {
    method: "POST",
    token: ws.token,
    body: {
      metrics: [
        { content_id: content.id, platform: "instagram", recorded_at: inHours(-1), clicks: 4 },
      ],
    },
  });
  expect(metrics.status).toBe(201);
  const invite = await api("/team/invite", {
    method: "POST",
    token: ws.token,
    body: { email: "kept@company.test", role: "viewer" },
  });
  expect(invite.status).toBe(201);
  return { ws, contentId: content.id };
}

describe("migrations", () => {
  it("are all recorded as applied, in order", async () => {
    expect(env.TEST_MIGRATIONS.length).toBeGreaterThan(0);
    const rows = await env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{
      name: string;
    }>();
    expect(rows.results.map((r) => r.name)).toEqual(env.TEST_MIGRATIONS.map((m) => m.name));
  });

  it("create every table and column the drizzle schema declares", async () => {
    expect(TABLES.map((t) => getTableConfig(t).name)).toContain("content");
    const present = await tableNames();
    for (const table of TABLES) {
      const config = getTableConfig(table);
      expect(present).toContain(config.name);
      const info = await env.DB.prepare(`PRAGMA table_info("${config.name}")`).all<{
        name: string;
        notnull: number;
      }>();
      const columns = new Map(info.results.map((c) => [c.name, c.notnull]));
      for (const column of config.columns) {
        expect(columns.has(column.name), `${config.name}.${column.name}`).toBe(true);
      }
      expect(columns.size, config.name).toBe(config.columns.length);
    }
  });

  it("create the partial unique index that allows one pending invitation", async () => {
    const index = await env.DB.prepare(
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'invitations_one_pending'",
    ).first<{ sql: string }>();
    expect(index?.sql).toMatch(/UNIQUE INDEX/i);
    expect(index?.sql).toMatch(/where .*status.*=.*'pending'/i);
  });

  it("applied again to a database holding data change nothing and lose nothing", async () => {
    const { ws, contentId } = await seed();
    const before = await rowCounts();
    for (const [table, n] of Object.entries(before)) {
      if (SEEDED_BY_API.includes(table)) expect(n, table).toBeGreaterThan(0);
    }
    const applied = await env.DB.prepare("SELECT count(*) AS n FROM d1_migrations").first<{
      n: number;
    }>();

    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

    expect(await rowCounts()).toEqual(before);
    const again = await env.DB.prepare("SELECT count(*) AS n FROM d1_migrations").first<{
      n: number;
    }>();
    expect(again?.n).toBe(applied?.n);
    const res = await api(`/content/${contentId}`, { token: ws.token });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      title: "Survivor #Keep",
      status: "scheduled",
      media: [{ url: "https://cdn.example.test/a.jpg", type: "image" }],
    });
  });
});

// Runs last: it wipes the database and builds it again one migration at a time.
describe("migrations applied one at a time from an empty database", () => {
  it("keep every row written before each later migration", async () => {
    await reset();
    expect(await tableNames()).toEqual([]);
    const [first, ...later] = env.TEST_MIGRATIONS;
    if (!first) throw new Error("no migrations");
    await applyD1Migrations(env.DB, [first]);

    const seeded = await seedRaw();
    const snapshot = await readSeeded(seeded);
    expect(Object.values(snapshot).every((row) => row !== null)).toBe(true);

    for (const [i, migration] of later.entries()) {
      await applyD1Migrations(env.DB, env.TEST_MIGRATIONS.slice(0, i + 2));
      const names = await env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{
        name: string;
      }>();
      expect(names.results.map((r) => r.name).at(-1)).toBe(migration.name);
      expect(await readSeeded(seeded), `after ${migration.name}`).toEqual(snapshot);
    }

    // The code of today reads the rows the first migration's layout held.
    const token = await issueToken(seeded.apiKey, seeded.secret);
    const content = await api(`/content/${seeded.contentId}`, { token });
    expect(content.status).toBe(200);
    expect(await json(content)).toMatchObject({
      id: seeded.contentId,
      title: "Written before later migrations",
      status: "scheduled",
      platforms: ["instagram"],
      // 0001_publishing added media with a default of no media for rows already there.
      media: [],
    });
    const posts = await json<{ scheduled_posts: { id: string; status: string }[] }>(
      await api("/schedule", { token }),
    );
    expect(posts.scheduled_posts).toEqual([
      expect.objectContaining({ id: seeded.postId, status: "pending" }),
    ]);
    const performance = await json<{ impressions: number }>(
      await api("/analytics/performance", { token }),
    );
    expect(performance.impressions).toBe(321);
  });
});

// Rows in the layout of the first migration, which is never edited once applied.
async function seedRaw() {
  const now = Date.now();
  const ids = {
    workspaceId: newId("wsp"),
    userId: newId("usr"),
    keyId: newId("key"),
    contentId: newId("cnt"),
    postId: newId("scd"),
    metricId: newId("met"),
    invitationId: newId("inv"),
    apiKey: `mk_test_${randomToken(24)}`,
    secret: `sk_test_${randomToken(40)}`,
  };
  const at = now + 5 * 3_600_000;
  await env.DB.batch([
    env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)").bind(
      ids.workspaceId,
      "Old workspace",
      now,
    ),
    env.DB.prepare("INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?)").bind(
      ids.userId,
      "old@company.test",
      "Old User",
      now,
    ),
    env.DB.prepare(
      "INSERT INTO memberships (workspace_id, user_id, role, permissions, created_at) " +
        "VALUES (?, ?, ?, ?, ?)",
    ).bind(ids.workspaceId, ids.userId, "owner", JSON.stringify(SCOPES), now),
    env.DB.prepare(
      "INSERT INTO api_keys (id, workspace_id, user_id, public_key, secret_hash, name, scopes, " +
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).bind(
      ids.keyId,
      ids.workspaceId,
      ids.userId,
      ids.apiKey,
      await sha256Hex(ids.secret),
      "old key",
      JSON.stringify(SCOPES),
      now,
    ),
    env.DB.prepare(
      "INSERT INTO content (id, workspace_id, title, description, platforms, status, " +
        "scheduled_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ).bind(
      ids.contentId,
      ids.workspaceId,
      "Written before later migrations",
      "#Old",
      JSON.stringify(["instagram"]),
      "scheduled",
      at,
      now,
      now,
    ),
    env.DB.prepare(
      "INSERT INTO scheduled_posts (id, schedule_id, workspace_id, content_id, platform, " +
        "scheduled_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ).bind(
      ids.postId,
      newId("scd"),
      ids.workspaceId,
      ids.contentId,
      "instagram",
      at,
      "pending",
      now,
      now,
    ),
    env.DB.prepare(
      "INSERT INTO post_metrics (id, workspace_id, content_id, platform, recorded_at, " +
        "impressions, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).bind(ids.metricId, ids.workspaceId, ids.contentId, "instagram", now - 60_000, 321, now),
    env.DB.prepare(
      "INSERT INTO invitations (id, workspace_id, email, role, permissions, token_hash, status, " +
        "invited_by, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ).bind(
      ids.invitationId,
      ids.workspaceId,
      "invitee@company.test",
      "viewer",
      "[]",
      "0".repeat(64),
      "pending",
      ids.userId,
      now + 86_400_000,
      now,
    ),
  ]);
  return ids;
}

type Seeded = Awaited<ReturnType<typeof seedRaw>>;

// The seeded rows, limited to the columns the first migration created.
async function readSeeded(ids: Seeded) {
  const read = (sql: string, id: string) => env.DB.prepare(sql).bind(id).first();
  return {
    workspace: await read(
      "SELECT id, name, created_at FROM workspaces WHERE id = ?",
      ids.workspaceId,
    ),
    user: await read("SELECT id, email, name FROM users WHERE id = ?", ids.userId),
    membership: await read(
      "SELECT workspace_id, role, permissions FROM memberships WHERE user_id = ?",
      ids.userId,
    ),
    key: await read(
      "SELECT id, public_key, secret_hash, scopes FROM api_keys WHERE id = ?",
      ids.keyId,
    ),
    content: await read(
      "SELECT id, title, description, platforms, status, scheduled_at FROM content WHERE id = ?",
      ids.contentId,
    ),
    post: await read(
      "SELECT id, content_id, platform, scheduled_at, status FROM scheduled_posts WHERE id = ?",
      ids.postId,
    ),
    metric: await read(
      "SELECT id, content_id, recorded_at, impressions FROM post_metrics WHERE id = ?",
      ids.metricId,
    ),
    invitation: await read(
      "SELECT id, email, token_hash, status FROM invitations WHERE id = ?",
      ids.invitationId,
    ),
  };
}
