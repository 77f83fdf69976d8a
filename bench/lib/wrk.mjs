// Drives one target with wrk, a separate native process, so the load generator neither
// shares the server's event loop nor costs much of the machine's CPU.
import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../rotate.lua", import.meta.url));

export function assertWrk() {
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (probe.error?.code === "ENOENT") {
    console.error(
      "npm run bench needs wrk (https://github.com/wg/wrk) on the PATH.\n" +
        "Install it with: sudo apt-get update && sudo apt-get install -y wrk\n" +
        "(macOS: brew install wrk)",
    );
    process.exit(1);
  }
}

export function runWrk({ url, tokensFile, seconds, connections, threads }) {
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "10s",
    "-s",
    SCRIPT,
    url,
    "--",
    tokensFile,
  ];
  return new Promise((resolve, reject) => {
    execFile("wrk", args, { encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk failed: ${stderr || err.message}`));
      const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
      if (!line) return reject(new Error(`no summary from wrk:\n${stdout}`));
      const s = JSON.parse(line.slice("WRK_JSON ".length));
      resolve({
        rps: s.requests / (s.duration_us / 1e6),
        requests: s.requests,
        non2xx: s.non2xx,
        socketErrors: s.socket_errors,
        bytesPerResponse: s.requests ? Math.round(s.bytes / s.requests) : 0,
        p50ms: s.p50_us / 1000,
        p99ms: s.p99_us / 1000,
      });
    });
  });
}
