// Bundles the Worker exactly as `wrangler deploy` would, without uploading it, so the bench
// measures the code that ships rather than a dev server's rebuild of it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export function buildWorker(root, outDir) {
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outDir], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const script = join(outDir, "index.js");
  if (!existsSync(script)) throw new Error(`wrangler did not write ${script}`);
  return script;
}
