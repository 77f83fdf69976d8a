// npm run bench:publish: 10,000 posts due in the same minute, one cron run, the local
// platform stand-in answering; how long until the last is published, and how late each went.
// `npm run bench` runs the same after its HTTP rounds (BENCH_PUBLISH=0 skips it there).
import { mkdirSync } from "node:fs";
import { buildWorker } from "./lib/build.mjs";
import { outDir, root } from "./lib/options.mjs";
import { publishBench } from "./lib/publish/main.mjs";

const started = performance.now();
mkdirSync(outDir, { recursive: true });
console.log("Bundling the Worker and the stand-in (wrangler deploy --dry-run) ...");
const file = await publishBench(buildWorker(root, outDir));
console.log(`\nTotal ${Math.round((performance.now() - started) / 1000)} s. Results: ${file}`);
