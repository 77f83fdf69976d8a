// Two request-path costs that throughput numbers alone would hide: re-importing the HMAC
// key on every request, and a COUNT(*) that walks a whole table rather than one workspace.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

function callSites(root, pattern) {
  const sites = [];
  for (const file of sourceFiles(join(root, "src"))) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      if (pattern.test(line)) sites.push({ file: relative(root, file), line: i + 1, lines, i });
    });
  }
  return sites;
}

// An importKey is taken as cached when the code around it reads a map and writes it back.
// Only src/auth/tokens.ts is on every authenticated request; other sites are listed too.
export function keyImportCheck(root) {
  return callSites(root, /subtle\.importKey\(/).map(({ file, line, lines, i }) => {
    const before = lines.slice(Math.max(0, i - 30), i).join("\n");
    const cache = /(\w+)\.get\(/.exec(before)?.[1];
    const after = lines.slice(i, i + 30).join("\n");
    return { site: `${file}:${line}`, cached: Boolean(cache && after.includes(`${cache}.set(`)) };
  });
}

// Every count() in src must carry a WHERE in the same statement.
export function countCheck(root) {
  return callSites(root, /\bcount\((\*)?\)/i).map(({ file, line, lines, i }) => ({
    site: `${file}:${line}`,
    filtered: /\.where\(|\bwhere\b/i.test(lines[i]),
  }));
}

// The same queries GET /v1/content and its siblings run (see the routes' count() calls):
// SQLite's plan must SEARCH an index; any SCAN walks a whole table or index.
const PLANNED = {
  "content count": "SELECT count(*) FROM content WHERE workspace_id = ? AND deleted_at IS NULL",
  "content page":
    "SELECT * FROM content WHERE workspace_id = ? AND deleted_at IS NULL " +
    "ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 0",
  "credential check":
    "SELECT m.permissions FROM api_keys k JOIN memberships m ON m.workspace_id = " +
    "k.workspace_id AND m.user_id = k.user_id WHERE k.id = ? AND k.workspace_id = ? AND " +
    "k.user_id = ? AND k.revoked_at IS NULL",
  "members count": "SELECT count(*) FROM memberships WHERE workspace_id = ?",
  "schedule count": "SELECT count(*) FROM scheduled_posts WHERE workspace_id = ?",
};

export async function planCheck(db) {
  const out = [];
  for (const [name, sql] of Object.entries(PLANNED)) {
    const args = sql.match(/\?/g)?.map(() => "x") ?? [];
    const { results } = await db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...args)
      .all();
    const detail = results.map((r) => r.detail).join("; ");
    out.push({ query: name, plan: detail, fullScan: /\bSCAN\b/.test(detail) });
  }
  return out;
}
