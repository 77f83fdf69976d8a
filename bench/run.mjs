// npm run bench: the API's request cost on workerd, next to a raw handler, with the rate
// limiter on and off. See the README's "Benchmark" section for what it measures and why.
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { buildWorker } from "./lib/build.mjs";
import { countCheck, keyImportCheck, planCheck } from "./lib/checks.mjs";
import { options, outDir, root } from "./lib/options.mjs";
import { publishBench } from "./lib/publish/main.mjs";
import { machine, printSummary, summarize, writeResults } from "./lib/report.mjs";
import { measure, SCENARIOS } from "./lib/rounds.mjs";
import { primeRaw, sampleList } from "./lib/sanity.mjs";
import { applyMigrations, seedWorkspaces } from "./lib/seed.mjs";
import { mintTokens } from "./lib/tokens.mjs";
import { startWorkers } from "./lib/workers.mjs";
import { assertWrk } from "./lib/wrk.mjs";

const started = performance.now();
// Other busy processes skew every number; the load averages show whether there were any.
const loadBefore = loadavg()[0];
assertWrk();
mkdirSync(outDir, { recursive: true });

console.log("Bundling the Worker (wrangler deploy --dry-run) ...");
const script = buildWorker(root, outDir);
const workers = await startWorkers({ root, script, options });
const { mf, logs, urls } = workers;
const interrupt = () => workers.stop().finally(() => process.exit(130));
process.once("SIGINT", interrupt);
process.once("SIGTERM", interrupt);
if (!workers.stateOnRamDisk) {
  console.warn("No /dev/shm: local D1 fsyncs on every query, so the API numbers will be low.");
}

try {
  const db = await mf.getD1Database("DB", "api-limiter-on");
  await applyMigrations(db, root);
  const credentials = await seedWorkspaces(db, options);
  const tokens = await mintTokens(urls.on, credentials);
  const tokenFiles = { many: join(outDir, "tokens-50.txt"), one: join(outDir, "tokens-1.txt") };
  writeFileSync(tokenFiles.many, `${tokens.join("\n")}\n`);
  writeFileSync(tokenFiles.one, `${tokens[0]}\n`);

  const body = await sampleList(urls, tokens[0], options.itemsPerWorkspace);
  await primeRaw(urls.raw, body);
  const checks = {
    keyImports: keyImportCheck(root),
    counts: countCheck(root),
    plans: await planCheck(db),
  };
  printChecks(checks);

  console.log(
    `\n${SCENARIOS.length} scenarios x ${options.rounds} rounds x ${options.seconds} s, ` +
      `${options.connections} connections, ${options.threads} wrk thread(s), ` +
      `list body ${body.length} bytes`,
  );
  const samples = await measure({ urls, tokenFiles, options });
  const summary = summarize(SCENARIOS, samples);
  printSummary(summary);

  const seconds = Math.round((performance.now() - started) / 1000);
  const file = writeResults(outDir, {
    date: new Date().toISOString(),
    machine: machine(),
    options,
    listBodyBytes: body.length,
    ...summary,
    checks,
    workerLog: { lines: logs.lines, errors: logs.errors },
    totalSeconds: seconds,
    loadAverage1m: { before: loadBefore, after: loadavg()[0] },
  });
  if (logs.errors.length) console.log(`\nThe Worker logged errors:\n${logs.errors.join("\n")}`);
  console.log(`\n${JSON.stringify(machine())}`);
  console.log(
    `1-minute load average before ${loadBefore.toFixed(2)}, after ${loadavg()[0].toFixed(2)}`,
  );
  console.log(`Total ${seconds} s. Results: ${file}`);
} finally {
  await workers.stop();
}

// 10,000 posts due in one minute through the cron and the queue (bench/publish.mjs), on a
// workerd of its own once the HTTP rounds' one is stopped. BENCH_PUBLISH=0 skips it.
if (process.env.BENCH_PUBLISH !== "0") {
  const file = await publishBench(script);
  const seconds = Math.round((performance.now() - started) / 1000);
  console.log(`\nTotal with the publish bench ${seconds} s. Results: ${file}`);
}

function printChecks({ keyImports, counts, plans }) {
  console.log("\nRequest-path checks:");
  for (const k of keyImports) {
    console.log(
      `  HMAC key import ${k.site}: ${k.cached ? "cached per isolate" : "imported per call"}`,
    );
  }
  for (const c of counts) {
    console.log(`  count() ${c.site}: ${c.filtered ? "has a WHERE" : "NO WHERE"}`);
  }
  for (const p of plans) {
    console.log(`  ${p.query}: ${p.fullScan ? "FULL SCAN" : "index search"} (${p.plan})`);
  }
}
