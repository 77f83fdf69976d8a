// Turns the rounds into medians and the two ratios the issue sets goals for, prints them
// and writes them to bench/out/results.json for later comparison.
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const pct = (x) => `${(x * 100).toFixed(1)} %`;

export function summarize(scenarios, samples) {
  const rows = scenarios.map(({ id, label }) => {
    const runs = samples[id];
    return {
      id,
      label,
      medianRps: Math.round(median(runs.map((r) => r.rps))),
      runsRps: runs.map((r) => Math.round(r.rps)),
      p50ms: median(runs.map((r) => r.p50ms)),
      p99ms: median(runs.map((r) => r.p99ms)),
      requests: runs.reduce((n, r) => n + r.requests, 0),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      socketErrors: runs.reduce((n, r) => n + r.socketErrors, 0),
      bytesPerResponse: runs[0]?.bytesPerResponse ?? 0,
    };
  });
  const rps = Object.fromEntries(rows.map((r) => [r.id, r.medianRps]));
  const ratios = {
    listOverRaw: rps.on50 / rps.raw,
    limiterCost50: 1 - rps.on50 / rps.off50,
    limiterCost1: 1 - rps.on1 / rps.off1,
  };
  const goals = {
    listAtLeastHalfOfRaw: ratios.listOverRaw >= 0.5,
    limiterCostAtMost15Percent50: ratios.limiterCost50 <= 0.15,
    limiterCostAtMost15Percent1: ratios.limiterCost1 <= 0.15,
  };
  return { rows, ratios, goals };
}

export function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function printSummary({ rows, ratios, goals }) {
  const head = ["scenario", "median req/s", "runs", "p50 ms", "p99 ms", "non-2xx", "errors"];
  const body = rows.map((r) => [
    r.label,
    String(r.medianRps),
    r.runsRps.join(" / "),
    r.p50ms.toFixed(2),
    r.p99ms.toFixed(2),
    String(r.non2xx),
    String(r.socketErrors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(`\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const b of body) console.log(line(b));
  const failed = rows.reduce((n, r) => n + r.non2xx + r.socketErrors, 0);
  if (failed > 0) {
    console.log(
      `\n${failed} requests failed (non-2xx or socket error): see the Worker's log below.`,
    );
  }
  const mark = (ok) => (ok ? "met" : "NOT met");
  console.log(
    `\nlist (50 credentials, limiter on) / raw: ${ratios.listOverRaw.toFixed(2)}` +
      `  (goal >= 0.50: ${mark(goals.listAtLeastHalfOfRaw)})`,
  );
  console.log(
    `limiter cost, 50 credentials: ${pct(ratios.limiterCost50)}` +
      `  (goal <= 15 %: ${mark(goals.limiterCostAtMost15Percent50)})`,
  );
  console.log(
    `limiter cost, 1 credential:   ${pct(ratios.limiterCost1)}` +
      `  (goal <= 15 %: ${mark(goals.limiterCostAtMost15Percent1)})`,
  );
}

export function writeResults(outDir, results) {
  const file = join(outDir, "results.json");
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
