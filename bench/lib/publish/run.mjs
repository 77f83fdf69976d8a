// One publish run end to end: stand-in and API up, schema and posts in, one cron run, watch
// until every post settled, read the outcome, and stop both workerd processes.
import { applyMigrations } from "../seed.mjs";
import { buildStandin } from "./build-standin.mjs";
import { createLogCollector } from "./logs.mjs";
import { runCron, watch } from "./measure.mjs";
import { postOutcome, standinOutcome } from "./outcome.mjs";
import { summarizePublish } from "./report.mjs";
import { benchKeyring } from "./seal.mjs";
import { seedPosts } from "./seed-posts.mjs";
import { seedTenants } from "./seed-tenants.mjs";
import { startPublishWorkers } from "./workers.mjs";

export async function runPublishBench({ root, outDir, apiScript, options }) {
  const standinScript = buildStandin(root, outDir);
  const ring = await benchKeyring();
  const { logs, handle } = createLogCollector();
  const workers = await startPublishWorkers({
    root,
    apiScript,
    standinScript,
    ring,
    options,
    log: handle,
  });
  try {
    if (!workers.stateOnRamDisk) console.warn("No /dev/shm: local D1 fsyncs on every query.");
    const db = await workers.api.getD1Database("DB", "api");
    await applyMigrations(db, root);
    const now = Date.now();
    const seedStarted = performance.now();
    const tenants = await seedTenants(db, {
      ...options,
      standinUrl: workers.standinUrl,
      ring,
      now,
    });
    const seeded = await seedPosts(db, tenants, { ...options, now });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(
      `Seeded ${seeded.posts} posts in ${seedSeconds.toFixed(1)} s; running the cron ...`,
    );

    const cron = await runCron(workers.api, db, options);
    const watched = await watch(db, cron.t0, options);
    const outcome = await postOutcome(db);
    const standin = await standinOutcome(workers.standinUrl);
    return {
      date: new Date().toISOString(),
      options,
      seedSeconds,
      ...summarizePublish({ seeded, cron, watched, outcome, standin, logs }),
    };
  } finally {
    await workers.stop();
  }
}
