// Moves the seeded posts onto the clock, fires the cron once through Miniflare and watches D1
// until no post is left waiting or in flight (or the timeout passes).
import { dueFrom } from "./seed-posts.mjs";

const OPEN = new Set(["pending", "queued", "publishing"]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function statusCounts(db) {
  const { results } = await db
    .prepare("SELECT status, count(*) AS n FROM scheduled_posts GROUP BY status")
    .all();
  return Object.fromEntries(results.map((r) => [r.status, r.n]));
}

export async function runCron(api, db, { leadSeconds }) {
  const firstDue = Date.now() + leadSeconds * 1000;
  await dueFrom(db, firstDue);
  const worker = await api.getWorker("api");
  const t0 = Date.now();
  const result = await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date(t0) });
  return { t0, firstDue, cronMs: Date.now() - t0, cronOutcome: result.outcome };
}

// Returns the last counts, when they were read, and one sample a second for the timeline.
export async function watch(db, t0, { pollMs, timeoutSeconds }) {
  const deadline = t0 + timeoutSeconds * 1000;
  const timeline = [];
  let counts = {};
  let lastSample = Number.NEGATIVE_INFINITY;
  for (;;) {
    counts = await statusCounts(db);
    const now = Date.now();
    if (now - lastSample >= 1000) {
      timeline.push({ s: Math.round((now - t0) / 100) / 10, published: counts.published ?? 0 });
      lastSample = now;
    }
    const open = Object.entries(counts).reduce((n, [s, c]) => n + (OPEN.has(s) ? c : 0), 0);
    if (open === 0) return { counts, settledAtMs: now - t0, timedOut: false, timeline };
    if (now >= deadline) return { counts, settledAtMs: null, timedOut: true, timeline };
    await sleep(pollMs);
  }
}
