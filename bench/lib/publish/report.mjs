// Turns one publish run into the numbers the bench reports, prints them, and adds them to
// bench/out/results.json under "publish" (next to the HTTP rounds when both ran).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null;
const perSecond = (n, ms) => (ms > 0 ? Math.round((n / ms) * 10_000) / 10 : null);

export function summarizePublish({ seeded, cron, watched, outcome, standin, logs }) {
  const published = watched.counts.published ?? 0;
  const { span } = outcome;
  const lastMs = span.last_published === null ? null : span.last_published - cron.t0;
  return {
    posts: seeded.posts,
    contentItems: seeded.contentItems,
    statuses: watched.counts,
    timedOut: watched.timedOut,
    cronMs: cron.cronMs,
    cronOutcome: cron.cronOutcome,
    cronReport: logs.cronRuns[0] ?? null,
    firstDueAfterCronMs: span.first_due - cron.t0,
    lastDueAfterCronMs: span.last_due - cron.t0,
    cronToLastPublishedMs: lastMs,
    settledSeenAfterMs: watched.settledAtMs,
    postsPerSecond: perSecond(published, lastMs),
    postsPerSecondOnceDue: perSecond(published, span.last_published - span.first_due),
    lateMs: outcome.lateMs,
    attempts: outcome.attempts,
    unpublished: outcome.unpublished,
    contentStatus: outcome.contentStatus,
    standin,
    consumer: {
      outcomes: logs.outcomes,
      jobMedianMs: median(logs.jobDurationsMs),
      jobMaxMs: logs.jobDurationsMs.length ? Math.max(...logs.jobDurationsMs) : null,
      logLevels: logs.levels,
      problems: logs.problems,
    },
    timeline: watched.timeline,
  };
}

export function printPublish(r) {
  const s = (ms) => (ms === null ? "n/a" : `${(ms / 1000).toFixed(2)} s`);
  console.log(`\nPublish: ${r.posts} posts (${r.contentItems} content items) due in one minute`);
  console.log(`  cron run (claim + enqueue)     ${s(r.cronMs)}  (${r.cronOutcome})`);
  console.log(
    `  posts due from / to            +${s(r.firstDueAfterCronMs)} / +${s(r.lastDueAfterCronMs)}`,
  );
  console.log(`  cron run -> last published     ${s(r.cronToLastPublishedMs)}`);
  console.log(`  posts per second (from cron)   ${r.postsPerSecond ?? "n/a"}`);
  console.log(`  posts per second (once due)    ${r.postsPerSecondOnceDue ?? "n/a"}`);
  console.log(
    `  late vs. scheduled second      p50 ${s(r.lateMs.p50)}  p99 ${s(r.lateMs.p99)}  ` +
      `max ${s(r.lateMs.max)}`,
  );
  console.log(`  statuses                       ${JSON.stringify(r.statuses)}`);
  console.log(`  attempts per post              ${JSON.stringify(r.attempts)}`);
  console.log(`  consumer outcomes              ${JSON.stringify(r.consumer.outcomes)}`);
  console.log(
    `  stand-in received              ${r.standin.requests} ` +
      `${JSON.stringify(r.standin.byPlatform)}, ${r.standin.duplicates} duplicate(s)`,
  );
  if (r.timedOut) console.log("  TIMED OUT before every post settled");
  for (const u of r.unpublished) {
    console.log(`  not published: ${u.n} ${u.platform} ${u.status}: ${u.last_error ?? "-"}`);
  }
  for (const p of r.consumer.problems.slice(0, 5)) console.log(`  log: ${p}`);
}

export function mergeResults(outDir, key, value) {
  const file = join(outDir, "results.json");
  const results = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  results[key] = value;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
