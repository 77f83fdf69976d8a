// `npm run dev`: set up the local database once, then run the platform stand-in on :8788 and
// the Worker on :8787 (with scheduled-event testing), until Ctrl-C.
import { spawn } from "node:child_process";
import {
  applyMigrations,
  createKeySql,
  demoAccountsSql,
  ensureDevVars,
  newId,
  query,
  root,
  scopes,
  sqlText,
  standinUrl,
} from "./lib/local-db.mjs";

if (ensureDevVars()) console.log("Wrote missing settings to .dev.vars (secrets are random).");

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
    await demoAccountsSql(workspaceId, now),
  ].join("\n");
  query(sql);
  console.log(`
Demo workspace ${workspaceId} is ready, with one account per platform connected to the
local stand-in at ${standinUrl}. Its API credential (the secret is shown only now):

  api_key: ${key.publicKey}
  secret:  ${key.secret}

Get a token:
  curl -s -X POST http://localhost:8787/v1/auth/token -H "Content-Type: application/json" \\
    -d '{"api_key":"${key.publicKey}","secret":"${key.secret}"}'
`);
} else {
  const { workspace } = existing[0];
  const accounts = query(
    `SELECT count(*) AS n FROM accounts WHERE workspace_id = ${sqlText(workspace)}`,
  );
  if (accounts[0].n === 0) {
    query(await demoAccountsSql(workspace, Date.now()));
    console.log("Connected one demo account per platform to the local stand-in.");
  }
  console.log(
    `
The local database already has workspace ${workspace}` +
      (existing[0].key ? ` with API key ${existing[0].key}.` : ".") +
      `
Its secret was shown when it was created. For a new key and secret: npm run keys:create
`,
  );
}

// Each server runs in a process group of its own, so stopping one stops everything it started.
const wrangler = `${root}/node_modules/.bin/wrangler`;
const start = (args, stdio) => spawn(wrangler, args, { cwd: root, stdio, detached: true });
const children = [
  start(
    ["dev", "-c", "standin/wrangler.toml", "--port", "8788", "--inspector-port", "9230"],
    ["ignore", "ignore", "inherit"],
  ),
  start(["dev", "--port", "8787", "--test-scheduled"], "inherit"),
];

// `wrangler dev` runs no Cron Trigger by itself; --test-scheduled exposes /__scheduled, so fire
// it at the top of every minute, as production does, and scheduled posts go out on their own.
const tick = async () => {
  try {
    await fetch("http://127.0.0.1:8787/__scheduled?cron=*+*+*+*+*");
  } catch {
    // The server is still starting; the next minute tries again.
  }
};
let ticker;
const firstTick = setTimeout(
  () => {
    tick();
    ticker = setInterval(tick, 60_000);
  },
  60_000 - (Date.now() % 60_000),
);

const stop = (signal) => {
  clearTimeout(firstTick);
  clearInterval(ticker);
  for (const child of children) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // That group has already exited.
    }
  }
};
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(signal));
// When either server stops, stop the other too: half a local setup only confuses.
for (const child of children) {
  child.on("exit", (code) => {
    stop("SIGTERM");
    process.exit(code ?? 0);
  });
}
