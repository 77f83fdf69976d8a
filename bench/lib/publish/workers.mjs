// Two workerd processes on loopback: the platform stand-in on its own port (a remote platform
// should not share the API's thread), and the API with its publish queue wired in, its
// platform base URLs pointing at the stand-in.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { experimental_readRawConfig } from "wrangler";
import { stateDir } from "../workers.mjs";
import { queueOptions } from "./queues.mjs";

const LOOPBACK = "127.0.0.1";

async function start(options) {
  const mf = new Miniflare(convertV4MiniflareOptions({ host: LOOPBACK, port: 0, ...options }));
  try {
    await mf.ready;
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
  return mf;
}

export async function startPublishWorkers({ root, apiScript, standinScript, ring, options, log }) {
  const { rawConfig } = experimental_readRawConfig({ config: `${root}/wrangler.toml` });
  const runtime = {
    modules: true,
    compatibilityDate: rawConfig.compatibility_date,
    compatibilityFlags: rawConfig.compatibility_flags ?? [],
  };
  const state = stateDir();
  const removeState = () => rmSync(state.dir, { recursive: true, force: true });
  process.once("exit", removeState);
  const started = [];
  const stop = async () => {
    for (const mf of started.reverse()) await mf.dispose();
    started.length = 0;
    removeState();
  };
  try {
    const standin = await start({
      logRequests: false,
      workers: [
        {
          ...runtime,
          name: "standin",
          scriptPath: standinScript,
          modulesRoot: dirname(standinScript),
          unsafeDirectSockets: [{ host: LOOPBACK, port: 0 }],
        },
      ],
    });
    started.push(standin);
    const standinUrl = (await standin.unsafeGetDirectURL("standin")).href.replace(/\/$/, "");
    const api = await start({
      logRequests: false,
      resourcePersistencePath: state.dir,
      handleStructuredLogs: log,
      workers: [
        {
          ...runtime,
          name: "api",
          scriptPath: apiScript,
          modulesRoot: dirname(apiScript),
          bindings: {
            ...rawConfig.vars,
            JWT_SECRET: randomBytes(32).toString("hex"),
            CREDENTIAL_KEYS: ring.env,
            TWITTER_API_BASE: `${standinUrl}/x`,
            LINKEDIN_API_BASE: `${standinUrl}/linkedin`,
            INSTAGRAM_API_BASE: `${standinUrl}/instagram`,
          },
          d1Databases: { DB: "publish-bench" },
          durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true } },
          ...queueOptions(rawConfig, options),
        },
      ],
    });
    started.push(api);
    return { api, standinUrl, stateOnRamDisk: state.onRamDisk, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
