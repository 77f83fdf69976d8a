// Helpers for the local D1 database that `wrangler dev` uses (.wrangler/state).
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`Node ${process.versions.node} is too old: wrangler needs Node 22.12 or newer.`);
  process.exit(1);
}

export const root = fileURLToPath(new URL("../..", import.meta.url));
const DATABASE = "momentik";
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function wrangler(args, options = {}) {
  return execFileSync("npx", ["wrangler", ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: options.stdio ?? ["ignore", "pipe", "inherit"],
  });
}

export function query(sql) {
  const out = wrangler(["d1", "execute", DATABASE, "--local", "--json", "--command", sql]);
  return JSON.parse(out)[0].results;
}

export function applyMigrations() {
  wrangler(["d1", "migrations", "apply", DATABASE, "--local"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}

export function ensureDevVars() {
  const path = `${root}/.dev.vars`;
  if (existsSync(path) && /^JWT_SECRET=.{32,}/m.test(readFileSync(path, "utf8"))) return false;
  const secret = randomBytes(32).toString("hex");
  writeFileSync(
    path,
    `# Local secrets for wrangler dev. Never commit this file.\nJWT_SECRET=${secret}\n` +
      `ENVIRONMENT=development\n`,
    { mode: 0o600 },
  );
  return true;
}

export function randomToken(length) {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 252 && out.length < length) out += ALPHABET[b % 36];
    }
  }
  return out;
}

export const newId = (prefix) => `${prefix}_${randomToken(20)}`;
export const sha256Hex = (text) => createHash("sha256").update(text).digest("hex");
export const sqlText = (value) => `'${String(value).replaceAll("'", "''")}'`;

export function scopes() {
  return JSON.parse(readFileSync(`${root}/src/auth/scope-list.json`, "utf8"));
}

// A key and secret for an existing member; only the secret's hash is stored.
export function createKeySql({ workspaceId, userId, name, now }) {
  const id = newId("key");
  const publicKey = `mk_test_${randomToken(24)}`;
  const secret = `sk_test_${randomToken(40)}`;
  const sql =
    "INSERT INTO api_keys (id, workspace_id, user_id, public_key, secret_hash, name, scopes, " +
    `created_at) VALUES (${sqlText(id)}, ${sqlText(workspaceId)}, ${sqlText(userId)}, ` +
    `${sqlText(publicKey)}, ${sqlText(sha256Hex(secret))}, ${sqlText(name)}, ` +
    `${sqlText(JSON.stringify(scopes()))}, ${now});`;
  return { publicKey, secret, sql };
}
