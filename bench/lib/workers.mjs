// Runs the bundled Worker on workerd through the Miniflare API, with no dev proxy in front:
// the API twice (rate limiter on and off, same D1 database) and the raw baseline, each on
// its own loopback port, all in one workerd process so they share one runtime.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { experimental_readRawConfig } from "wrangler";

const RAW_SCRIPT = fileURLToPath(new URL("../raw-worker.js", import.meta.url));
const LOOPBACK = "127.0.0.1";

// Local D1 is a SQLite file that commits (with fsync) on every query, even a read: on a
// disk that costs about a millisecond per query and would swamp the Worker's own cost,
// which production D1 does not have. A RAM disk keeps the file and drops the fsync cost.
export function stateDir() {
  const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  return { dir: mkdtempSync(join(base, "momentik-bench-")), onRamDisk: base === "/dev/shm" };
}

export async function startWorkers({ root, script, options }) {
  const { rawConfig } = experimental_readRawConfig({ config: `${root}/wrangler.toml` });
  const runtime = {
    modules: true,
    compatibilityDate: rawConfig.compatibility_date,
    compatibilityFlags: rawConfig.compatibility_flags ?? [],
    // Port 0: the OS picks a free port, so a bench never collides with a dev server.
    unsafeDirectSockets: [{ host: LOOPBACK, port: 0 }],
  };
  const vars = {
    ...rawConfig.vars,
    // A fresh random secret each run: the bench never reads a real one.
    JWT_SECRET: randomBytes(32).toString("hex"),
    RATE_LIMIT_PER_MINUTE: options.rateLimitPerMinute,
    TOKEN_RATE_LIMIT_PER_MINUTE: options.tokenRateLimitPerMinute,
  };
  const api = (name, limiter) => ({
    ...runtime,
    name,
    scriptPath: script,
    // Module names are paths relative to this root; outside it workerd refuses to start.
    modulesRoot: dirname(script),
    bindings: { ...vars, RATE_LIMIT_ENABLED: limiter ? "true" : "false" },
    // The same id in both workers is one database, seeded once.
    d1Databases: { DB: "bench" },
    durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true } },
  });

  const state = stateDir();
  const logs = { lines: 0, errors: [] };
  // Miniflare 5 takes a new option shape; its own converter accepts the documented v4 one.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: LOOPBACK,
      port: 0,
      logRequests: false,
      resourcePersistencePath: state.dir,
      // The API writes an access-log line per request; the bench counts them (and keeps
      // errors) instead of printing thousands of lines a second into the terminal.
      handleStructuredLogs: (log) => {
        logs.lines += 1;
        if (log.level === "error" && logs.errors.length < 20) logs.errors.push(log.message);
      },
      workers: [
        api("api-limiter-on", true),
        api("api-limiter-off", false),
        { ...runtime, name: "raw", scriptPath: RAW_SCRIPT, modulesRoot: dirname(RAW_SCRIPT) },
      ],
    }),
  );
  const removeState = () => rmSync(state.dir, { recursive: true, force: true });
  // Miniflare's own signal hook may end the process before a bench's cleanup runs.
  process.once("exit", removeState);
  const stop = async () => {
    await mf.dispose();
    removeState();
  };
  try {
    await mf.ready;
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  const url = async (name) => (await mf.unsafeGetDirectURL(name)).href.replace(/\/$/, "");
  return {
    mf,
    logs,
    stateOnRamDisk: state.onRamDisk,
    stop,
    urls: {
      on: await url("api-limiter-on"),
      off: await url("api-limiter-off"),
      raw: await url("raw"),
    },
  };
}
