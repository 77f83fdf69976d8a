import { createInstagramStandin, type InstagramStandin } from "./instagram";
import { createLinkedinStandin } from "./linkedin";
import type { PlatformStandin } from "./types";
import { json } from "./types";
import { createXStandin } from "./x";

export type RecordedRequest = {
  method: string;
  url: string;
  path: string;
  // Lower-cased names, as Headers gives them.
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
};

type Script = {
  // Matched against "METHOD /path", so "/x/2/tweets" and "POST /instagram/" both work.
  match: string;
  remaining: number;
  failure?: { status: number; headers: Record<string, string>; body: string };
  delayMs?: number;
};

export type Standin = {
  // Usable both as a Worker's fetch handler and as PublishContext.fetch.
  fetch: typeof fetch;
  requests: RecordedRequest[];
  // Answer the next `times` matching requests with `status` without acting on them.
  failNext(
    match: string,
    status: number,
    times?: number,
    headers?: Record<string, string>,
    body?: string,
  ): void;
  // Act on the next `times` matching requests but answer only after `delayMs`: an answer
  // lost to a client's timeout, after the platform did the work.
  delayNext(match: string, delayMs: number, times?: number): void;
  x: ReturnType<typeof createXStandin>;
  linkedin: ReturnType<typeof createLinkedinStandin>;
  instagram: InstagramStandin;
};

export function createStandin(): Standin {
  const requests: RecordedRequest[] = [];
  const scripts: Script[] = [];
  const x = createXStandin();
  const linkedin = createLinkedinStandin();
  const instagram = createInstagramStandin();
  const webhook: PlatformStandin = {
    handle: (request) =>
      request.method === "POST" ? json(200, { received: true }) : json(405, { error: "POST only" }),
  };
  const platforms: Record<string, PlatformStandin> = { x, linkedin, instagram, webhook };

  function takeScript(key: string, wants: (script: Script) => boolean): Script | undefined {
    const script = scripts.find((s) => s.remaining > 0 && wants(s) && key.includes(s.match));
    if (script) script.remaining--;
    return script;
  }

  async function handle(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const signal = init?.signal ?? null;
    const url = new URL(request.url);
    const body = await request.text();
    requests.push({
      method: request.method,
      url: request.url,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body,
      receivedAt: Date.now(),
    });

    const key = `${request.method} ${url.pathname}`;
    const failure = takeScript(key, (s) => s.failure !== undefined)?.failure;
    if (failure) {
      return new Response(failure.body, { status: failure.status, headers: failure.headers });
    }

    const [, prefix = "", ...rest] = url.pathname.split("/");
    const platform = platforms[prefix];
    const response = platform
      ? platform.handle({
          method: request.method,
          path: `/${rest.join("/")}`,
          query: url.searchParams,
          headers: request.headers,
          body,
        })
      : json(404, { error: `No stand-in platform at /${prefix}` });

    const delay = takeScript(key, (s) => s.delayMs !== undefined)?.delayMs;
    if (delay) await wait(delay, signal);
    return response;
  }

  return {
    fetch: handle,
    requests,
    failNext(match, status, times = 1, headers = {}, body = "") {
      const failureBody = body || JSON.stringify({ error: `scripted ${status}` });
      scripts.push({ match, remaining: times, failure: { status, headers, body: failureBody } });
    },
    delayNext(match, delayMs, times = 1) {
      scripts.push({ match, remaining: times, delayMs });
    },
    x,
    linkedin,
    instagram,
  };
}

// Ends early when the caller gives up, the way a real connection would be dropped.
function wait(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
