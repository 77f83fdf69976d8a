// What `npm run bench:publish` does: 10,000 posts due a few seconds after one cron run, spread
// over the platforms that answer at once (Instagram polls its container and would measure the
// poll waits instead). The environment can change any of it (e.g. BENCH_PUBLISH_POSTS=2000).
import { int } from "../options.mjs";

const seconds = (name, fallback) => {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0`);
  return n;
};

export const publishOptions = {
  posts: int("BENCH_PUBLISH_POSTS", 10_000),
  workspaces: int("BENCH_PUBLISH_WORKSPACES", 10),
  platforms: ["twitter", "linkedin", "webhook"],
  // The first posts fall due this long after the cron run, the rest over the next seconds,
  // all within one minute: the cron has to claim and queue them all before the first is due.
  leadSeconds: int("BENCH_PUBLISH_LEAD_SECONDS", 3),
  spreadSeconds: int("BENCH_PUBLISH_SPREAD_SECONDS", 5),
  timeoutSeconds: int("BENCH_PUBLISH_TIMEOUT_SECONDS", 180),
  pollMs: 250,
  // wrangler.toml waits up to 1 s to fill a batch; here a short wait, so a part-filled batch
  // at the end of the run does not add a second to the measured time.
  maxBatchTimeoutSeconds: seconds("BENCH_PUBLISH_BATCH_TIMEOUT", 0.05),
  // Unset: max_batch_size from wrangler.toml.
  maxBatchSize: process.env.BENCH_PUBLISH_BATCH_SIZE
    ? int("BENCH_PUBLISH_BATCH_SIZE", 10)
    : undefined,
};
