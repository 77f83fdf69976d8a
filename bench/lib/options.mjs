// What one bench run does. The defaults keep a whole run within about two minutes; the
// environment can stretch them for a steadier number (e.g. BENCH_SECONDS=10).
import { fileURLToPath } from "node:url";

export const int = (name, fallback) => {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const benchDir = fileURLToPath(new URL("..", import.meta.url));
export const outDir = fileURLToPath(new URL("../out/", import.meta.url));

export const options = {
  keys: 50,
  itemsPerWorkspace: 20,
  rounds: int("BENCH_ROUNDS", 3),
  seconds: int("BENCH_SECONDS", 5),
  warmupSeconds: int("BENCH_WARMUP_SECONDS", 2),
  connections: int("BENCH_CONNECTIONS", 32),
  // One wrk thread: workerd serves on one thread, so a second load thread would only take
  // CPU from the server on a small machine.
  threads: int("BENCH_THREADS", 1),
  // High enough that the one busy credential is never refused: the bench measures what the
  // limiter costs, not what it refuses. Non-2xx answers are counted and reported anyway.
  rateLimitPerMinute: "100000000",
  // The bench mints 50 tokens from one address; the production value (30) would refuse them.
  tokenRateLimitPerMinute: "100000",
};
