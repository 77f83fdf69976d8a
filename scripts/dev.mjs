// `npm run dev`: set up the local database once, then run the Worker on port 8787.
import { spawn } from "node:child_process";
import {
  applyMigrations,
  createKeySql,
  ensureDevVars,
  newId,
  query,
  root,
  scopes,
  sqlText,
} from "./lib/local-db.mjs";

if (ensureDevVars()) console.log("Created .dev.vars with a random JWT_SECRET.");

applyMigrations();

const existing = query(
  "SELECT w.id AS workspace, k.public_key AS key FROM workspaces w " +
    "LEFT JOIN api_keys k ON k.workspace_id = w.id AND k.revoked_at IS NULL " +
    "ORDER BY w.created_at, k.created_at LIMIT 1",
);

if (existing.length === 0) {
  const now = Date.now();
  const workspaceId = newId("wsp");
  const userId = newId("usr");
  const key = createKeySql({ workspaceId, userId, name: "Demo key", now });
  const sql = [
    `INSERT INTO workspaces (id, name, created_at) VALUES (${sqlText(workspaceId)}, 'Demo', ${now});`,
    `INSERT INTO users (id, email, name, created_at) VALUES (${sqlText(userId)}, ` +
      `'owner@demo.momentik.test', 'Demo Owner', ${now});`,
    "INSERT INTO memberships (workspace_id, user_id, role, permissions, created_at) VALUES " +
      `(${sqlText(workspaceId)}, ${sqlText(userId)}, 'owner', ` +
      `${sqlText(JSON.stringify(scopes()))}, ${now});`,
    key.sql,
  ].join("\n");
  query(sql);
  console.log(`
Demo workspace ${workspaceId} is ready. Its API credential (the secret is shown only now):

  api_key: ${key.publicKey}
  secret:  ${key.secret}

Get a token:
  curl -s -X POST http://localhost:8787/v1/auth/token -H "Content-Type: application/json" \\
    -d '{"api_key":"${key.publicKey}","secret":"${key.secret}"}'
`);
} else {
  console.log(
    `
The local database already has workspace ${existing[0].workspace}` +
      (existing[0].key ? ` with API key ${existing[0].key}.` : ".") +
      `
Its secret was shown when it was created. For a new key and secret: npm run keys:create
`,
  );
}

const dev = spawn("npx", ["wrangler", "dev", "--port", "8787", "--test-scheduled"], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
