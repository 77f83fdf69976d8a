// Helpers for the local D1 database that `wrangler dev` uses (.wrangler/state).
import { execFileSync } from "node:child_process";
import { createHash, randomBytes, webcrypto } from "node:crypto";
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

const STANDIN = "http://127.0.0.1:8788";

// Local settings: secrets made here once, and platform base URLs pointing at the stand-in.
// Lines already present are kept, so a person's own edits survive.
const DEV_VARS = {
  JWT_SECRET: () => randomBytes(32).toString("hex"),
  CREDENTIAL_KEYS: () => `dev1:${randomBytes(32).toString("base64")}`,
  ENVIRONMENT: () => "development",
  TWITTER_API_BASE: () => `${STANDIN}/x`,
  LINKEDIN_API_BASE: () => `${STANDIN}/linkedin`,
  INSTAGRAM_API_BASE: () => `${STANDIN}/instagram`,
};

export function ensureDevVars() {
  const path = `${root}/.dev.vars`;
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const missing = Object.keys(DEV_VARS).filter(
    (name) => !new RegExp(`^${name}=.+`, "m").test(text),
  );
  if (missing.length === 0) return false;
  const header = text
    ? ""
    : "# Local secrets and settings for wrangler dev. Never commit this file.\n";
  const lines = missing.map((name) => `${name}=${DEV_VARS[name]()}`).join("\n");
  writeFileSync(path, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${header}${lines}\n`, {
    mode: 0o600,
  });
  return true;
}

export function devVar(name) {
  const match = new RegExp(`^${name}=(.*)$`, "m").exec(readFileSync(`${root}/.dev.vars`, "utf8"));
  return match ? match[1].trim() : undefined;
}

export const standinUrl = STANDIN;

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

// Seals credentials exactly as src/crypto/credential-box.ts does: AES-256-GCM under the first
// CREDENTIAL_KEYS entry, with "<workspace>/<account>" as additional data.
export async function sealCredentials(binding, value) {
  const [keyId, material] = devVar("CREDENTIAL_KEYS").split(",")[0].split(":");
  const key = await webcrypto.subtle.importKey(
    "raw",
    Buffer.from(material, "base64"),
    "AES-GCM",
    false,
    ["encrypt"],
  );
  const iv = randomBytes(12);
  const sealed = await webcrypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(binding) },
    key,
    new TextEncoder().encode(JSON.stringify(value)),
  );
  return {
    ciphertext: Buffer.from(sealed).toString("base64"),
    iv: iv.toString("base64"),
    keyId,
  };
}

// One account per platform, all pointing at the local stand-in, so the demo publishes.
export async function demoAccountsSql(workspaceId, now) {
  const accounts = [
    ["twitter", "Demo X account", { access_token: `demo-x-${randomToken(16)}` }],
    [
      "linkedin",
      "Demo LinkedIn page",
      { access_token: `demo-li-${randomToken(16)}`, author_urn: "urn:li:organization:1000001" },
    ],
    [
      "instagram",
      "Demo Instagram account",
      { access_token: `demo-ig-${randomToken(16)}`, ig_user_id: "17841400000000001" },
    ],
    [
      "webhook",
      "Demo webhook",
      {
        url: `${STANDIN}/webhook/demo`,
        signing_secret: `whsec_${randomBytes(24).toString("base64")}`,
      },
    ],
  ];
  const statements = [];
  for (const [platform, name, credentials] of accounts) {
    const id = newId("acc");
    const sealed = await sealCredentials(`${workspaceId}/${id}`, credentials);
    statements.push(
      "INSERT INTO accounts (id, workspace_id, platform, name, credentials_ciphertext, " +
        "credentials_iv, credentials_key_id, status, is_default, created_at, updated_at) VALUES (" +
        [id, workspaceId, platform, name, sealed.ciphertext, sealed.iv, sealed.keyId, "active"]
          .map(sqlText)
          .join(", ") +
        `, 1, ${now}, ${now});`,
    );
  }
  return statements.join("\n");
}
