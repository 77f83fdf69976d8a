// Bundles the platform stand-in (standin/src/index.ts, TypeScript) the way wrangler would, so
// Miniflare can run it next to the API as plain JavaScript.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export function buildStandin(root, outDir) {
  const dir = join(outDir, "standin");
  execFileSync(
    "npx",
    ["wrangler", "deploy", "--dry-run", "-c", "standin/wrangler.toml", "--outdir", dir],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  const script = join(dir, "index.js");
  if (!existsSync(script)) throw new Error(`wrangler did not write ${script}`);
  return script;
}
