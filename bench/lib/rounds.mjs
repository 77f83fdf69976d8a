// The five measurements, interleaved over rounds so that a slow moment of the machine
// (another process, a GC, thermal limits) lands on every scenario rather than on one.
import { runWrk } from "./wrk.mjs";

export const SCENARIOS = [
  { id: "raw", label: "raw handler, same body", target: "raw", tokens: "many" },
  { id: "on50", label: "list, 50 credentials, limiter on", target: "on", tokens: "many" },
  { id: "on1", label: "list, 1 credential, limiter on", target: "on", tokens: "one" },
  { id: "off50", label: "list, 50 credentials, limiter off", target: "off", tokens: "many" },
  { id: "off1", label: "list, 1 credential, limiter off", target: "off", tokens: "one" },
];

export async function measure({ urls, tokenFiles, options }) {
  const run = (scenario, seconds) =>
    runWrk({
      url: `${urls[scenario.target]}/v1/content`,
      tokensFile: tokenFiles[scenario.tokens],
      seconds,
      connections: options.connections,
      threads: options.threads,
    });

  // Warm-up: JIT, the rate limiter objects and their lease sizes settle before any count.
  for (const s of SCENARIOS) await run(s, options.warmupSeconds);

  const samples = Object.fromEntries(SCENARIOS.map((s) => [s.id, []]));
  for (let round = 0; round < options.rounds; round++) {
    // Each round starts one scenario later, so none is always first after a pause.
    const order = SCENARIOS.map((_, i) => SCENARIOS[(i + round) % SCENARIOS.length]);
    for (const s of order) {
      const result = await run(s, options.seconds);
      samples[s.id].push(result);
      const rps = String(Math.round(result.rps)).padStart(6);
      console.log(
        `  round ${round + 1}  ${s.label.padEnd(34)} ${rps} req/s  non-2xx ${result.non2xx}`,
      );
    }
  }
  return samples;
}
