import { createStandin } from "./handler";
import { json } from "./types";

// One stand-in per isolate, so requests recorded by one call are visible to the next.
let standin = createStandin();

type Script = {
  match?: string;
  status?: number;
  times?: number;
  headers?: Record<string, string>;
  body?: string;
  delay_ms?: number;
};

async function control(request: Request, path: string): Promise<Response | null> {
  if (request.method === "GET" && path === "/_requests") return json(200, standin.requests);
  if (request.method === "POST" && path === "/_reset") {
    standin = createStandin();
    return json(200, { reset: true });
  }
  if (request.method === "POST" && (path === "/_fail" || path === "/_delay")) {
    const {
      match,
      status = 503,
      times,
      headers,
      body,
      delay_ms = 0,
    } = (await request.json()) as Script;
    if (!match) return json(400, { error: "match is required" });
    if (path === "/_fail") standin.failNext(match, status, times, headers, body);
    else standin.delayNext(match, delay_ms, times);
    return json(200, { scripted: match });
  }
  return null;
}

// biome-ignore lint/style/noDefaultExport: a Worker's entry point is its default export.
export default {
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    return (await control(request, path)) ?? standin.fetch(request);
  },
} satisfies ExportedHandler;
