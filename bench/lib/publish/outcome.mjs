// After the run: when the posts went out against when they were due, why any did not, how
// many tries they took, and what the stand-in received (every post once, none twice).
const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : null;

export async function postOutcome(db) {
  const { results: late } = await db
    .prepare(
      "SELECT published_at - scheduled_at AS late FROM scheduled_posts " +
        "WHERE status = 'published' ORDER BY late",
    )
    .all();
  const sorted = late.map((r) => r.late);
  const span = await db
    .prepare(
      "SELECT min(scheduled_at) AS first_due, max(scheduled_at) AS last_due, " +
        "min(published_at) AS first_published, max(published_at) AS last_published " +
        "FROM scheduled_posts",
    )
    .first();
  const { results: unpublished } = await db
    .prepare(
      "SELECT platform, status, last_error, count(*) AS n FROM scheduled_posts " +
        "WHERE status <> 'published' GROUP BY 1, 2, 3 ORDER BY n DESC LIMIT 10",
    )
    .all();
  const { results: attempts } = await db
    .prepare("SELECT attempts, count(*) AS n FROM scheduled_posts GROUP BY attempts")
    .all();
  const content = await db
    .prepare("SELECT status, count(*) AS n FROM content GROUP BY status")
    .all();
  return {
    lateMs: {
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? null,
    },
    span,
    unpublished,
    attempts: Object.fromEntries(attempts.map((r) => [r.attempts, r.n])),
    contentStatus: Object.fromEntries(content.results.map((r) => [r.status, r.n])),
  };
}

export async function standinOutcome(standinUrl) {
  const res = await fetch(`${standinUrl}/_requests`);
  const requests = await res.json();
  const byPlatform = {};
  const seen = new Set();
  let duplicates = 0;
  for (const r of requests) {
    const platform = r.path.split("/")[1];
    byPlatform[platform] = (byPlatform[platform] ?? 0) + 1;
    // The same post twice: the same webhook delivery id, or the same text to X or LinkedIn.
    const key = `${platform} ${r.headers["webhook-id"] ?? r.body}`;
    if (seen.has(key)) duplicates++;
    seen.add(key);
  }
  return { requests: requests.length, byPlatform, duplicates };
}
