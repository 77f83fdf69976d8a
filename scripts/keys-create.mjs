// `npm run keys:create`: a new API key with every scope for the first owner of the local
// demo workspace. Prints the secret once; only its hash is stored.
import { applyMigrations, createKeySql, ensureDevVars, query } from "./lib/local-db.mjs";

ensureDevVars();
applyMigrations();
const owner = query(
  "SELECT workspace_id, user_id FROM memberships WHERE role = 'owner' ORDER BY created_at LIMIT 1",
);
if (owner.length === 0) {
  console.error("No workspace yet: run `npm run dev` once to create the demo workspace.");
  process.exit(1);
}
const key = createKeySql({
  workspaceId: owner[0].workspace_id,
  userId: owner[0].user_id,
  name: `Local key ${new Date().toISOString()}`,
  now: Date.now(),
});
query(key.sql);
console.log(`api_key: ${key.publicKey}\nsecret:  ${key.secret}`);
