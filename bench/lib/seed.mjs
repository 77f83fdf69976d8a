// Puts the schema and a realistic small tenant population into the bench's D1 database:
// one workspace per API key, each with one owner and a page's worth of content.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { newId, randomToken, scopes, sha256Hex } from "../../scripts/lib/local-db.mjs";

const STATUSES = ["draft", "scheduled", "published", "archived"];

export async function applyMigrations(db, root) {
  const dir = join(root, "migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = readFileSync(join(dir, file), "utf8")
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean);
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

// Returns the key and secret of each workspace; only the secret's hash is stored.
export async function seedWorkspaces(db, { keys, itemsPerWorkspace }) {
  const all = JSON.stringify(scopes());
  const credentials = [];
  const now = Date.now();
  for (let k = 0; k < keys; k++) {
    const ws = newId("wsp");
    const user = newId("usr");
    const apiKey = `mk_test_${randomToken(24)}`;
    const secret = `sk_test_${randomToken(40)}`;
    const rows = [
      db
        .prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)")
        .bind(ws, `Bench workspace ${k}`, now),
      db
        .prepare("INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?)")
        .bind(user, `bench-${k}@example.test`, `Bench Owner ${k}`, now),
      db
        .prepare(
          "INSERT INTO memberships (workspace_id, user_id, role, permissions, created_at) " +
            "VALUES (?, ?, 'owner', ?, ?)",
        )
        .bind(ws, user, all, now),
      db
        .prepare(
          "INSERT INTO api_keys (id, workspace_id, user_id, public_key, secret_hash, name, " +
            "scopes, created_at) VALUES (?, ?, ?, ?, ?, 'bench', ?, ?)",
        )
        .bind(newId("key"), ws, user, apiKey, sha256Hex(secret), all, now),
    ];
    for (let i = 0; i < itemsPerWorkspace; i++) rows.push(contentRow(db, ws, i, now));
    await db.batch(rows);
    credentials.push({ apiKey, secret });
  }
  return credentials;
}

function contentRow(db, ws, i, now) {
  const created = now - i * 3_600_000;
  const status = STATUSES[i % STATUSES.length];
  return db
    .prepare(
      "INSERT INTO content (id, workspace_id, title, description, platforms, status, " +
        "scheduled_at, published_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(
      newId("cnt"),
      ws,
      `Launch week post ${i + 1}`,
      `Behind the scenes of our launch, part ${i + 1}. Tag the team and share the link.`,
      JSON.stringify(["instagram", "linkedin"]),
      status,
      status === "scheduled" ? now + 86_400_000 : null,
      status === "published" ? created : null,
      created,
      created,
    );
}
