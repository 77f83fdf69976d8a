import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { expectError } from "./helpers/api-errors";
import { api, createWorkspace, json, type Workspace } from "./helpers/fixtures";

const ONE_MB = 1024 * 1024;
const ORIGIN = "https://app.example.test";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function streamOf(totalBytes: number, chunkBytes = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) {
        controller.close();
        return;
      }
      const n = Math.min(chunkBytes, totalBytes - sent);
      controller.enqueue(new Uint8Array(n).fill(0x20));
      sent += n;
    },
  });
}

// A JSON document of exactly `bytes` bytes: padding spaces are valid JSON whitespace.
function jsonOfSize(bytes: number, value: unknown = {}): string {
  const text = JSON.stringify(value);
  return text + " ".repeat(bytes - text.length);
}

async function callApp(request: Request, overrides: Record<string, unknown> = {}) {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("error envelope", () => {
  it("wraps an authentication failure", async () => {
    const body = await expectError(await api("/content"), 401, "unauthorized");
    expect(body.error.details).toBeNull();
  });

  it("wraps an unknown route", async () => {
    const body = await expectError(await api("/nothing-here"), 404, "not_found");
    expect(body.error.message).toContain("/v1/nothing-here");
  });

  it("wraps a validation failure with the fields in details", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "", platforms: ["myspace"] },
    });

    const body = await expectError(res, 422, "validation_failed");
    const fields = (body.error.details as { fields: { field: string }[] }).fields;
    expect(fields.map((f) => f.field).sort()).toEqual(["platforms.0", "title"]);
  });

  it("wraps a bad query parameter as 400 invalid_query", async () => {
    const res = await api("/content?per_page=abc", { token: ws.token });

    const body = await expectError(res, 400, "invalid_query");
    expect(body.error.message).toContain("per_page");
  });

  it("gives each request its own id", async () => {
    const a = await expectError(await api("/nothing-here"), 404, "not_found");
    const b = await expectError(await api("/nothing-here"), 404, "not_found");

    expect(a.request_id).toMatch(UUID);
    expect(b.request_id).toMatch(UUID);
    expect(a.request_id).not.toBe(b.request_id);
  });

  it("puts the request id on successful responses too", async () => {
    const res = await api("/content", { token: ws.token });

    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).toMatch(UUID);
  });
});

describe("X-Request-Id", () => {
  it("echoes an incoming request id in the header and the body", async () => {
    const res = await api("/nothing-here", { headers: { "X-Request-Id": "client-req.42_A" } });

    const body = await expectError(res, 404, "not_found");
    expect(body.request_id).toBe("client-req.42_A");
  });

  it("echoes an incoming request id on success", async () => {
    const res = await api("/content", {
      token: ws.token,
      headers: { "X-Request-Id": "trace-0001" },
    });

    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).toBe("trace-0001");
  });

  it("replaces an incoming id that could inject into logs", async () => {
    const res = await api("/nothing-here", { headers: { "X-Request-Id": 'a b"c<script>' } });

    const body = await expectError(res, 404, "not_found");
    expect(body.request_id).toMatch(UUID);
  });

  it("replaces an incoming id longer than 128 characters", async () => {
    const res = await api("/nothing-here", { headers: { "X-Request-Id": "x".repeat(129) } });

    const body = await expectError(res, 404, "not_found");
    expect(body.request_id).toMatch(UUID);
  });
});

describe("404 Not Found", () => {
  it("answers an unknown route without asking for a token", async () => {
    const body = await expectError(await api("/v2/content"), 404, "not_found");
    expect(body.error.message).toBe("No route for GET /v1/v2/content");
  });

  it("answers an unknown content id", async () => {
    const res = await api("/content/cnt_doesnotexist", { token: ws.token });

    const body = await expectError(res, 404, "not_found");
    expect(body.error.message).toBe("Content not found");
  });

  it("hides another workspace's content behind the same 404", async () => {
    const owner = await createWorkspace();
    const created = await api("/content", {
      method: "POST",
      token: owner.token,
      body: { title: "Private plan", platforms: ["instagram"] },
    });
    expect(created.status).toBe(201);
    const { id } = await json<{ id: string }>(created);
    const missing = await expectError(
      await api("/content/cnt_doesnotexist", { token: ws.token }),
      404,
      "not_found",
    );

    const read = await expectError(
      await api(`/content/${id}`, { token: ws.token }),
      404,
      "not_found",
    );
    const update = await api(`/content/${id}`, {
      method: "PUT",
      token: ws.token,
      body: { title: "Hijacked" },
    });
    const remove = await api(`/content/${id}`, { method: "DELETE", token: ws.token });

    expect(read.error).toEqual(missing.error);
    expect((await expectError(update, 404, "not_found")).error).toEqual(missing.error);
    expect((await expectError(remove, 404, "not_found")).error).toEqual(missing.error);
    const still = await json<{ title: string }>(
      await api(`/content/${id}`, { token: owner.token }),
    );
    expect(still.title).toBe("Private plan");
  });
});

describe("405 Method Not Allowed", () => {
  it("lists the methods a collection allows", async () => {
    const res = await api("/content", { method: "PATCH", token: ws.token });

    const body = await expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toBe("GET, HEAD, OPTIONS, POST");
    expect(body.error.details).toEqual({ allowed: ["GET", "HEAD", "OPTIONS", "POST"] });
  });

  it("lists the methods an item allows", async () => {
    const res = await api("/content/cnt_123", { method: "POST", token: ws.token });

    await expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toBe("DELETE, GET, HEAD, OPTIONS, PUT");
  });

  it("answers 405 before authentication", async () => {
    const res = await api("/auth/token", { method: "GET" });

    await expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toBe("OPTIONS, POST");
  });

  it("treats a trailing slash as the same resource", async () => {
    const res = await api("/content/", { method: "DELETE", token: ws.token });

    await expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toContain("POST");
  });
});

describe("request bodies", () => {
  it("refuses malformed JSON with 400 invalid_json", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: '{"title": "unterminated',
      headers: { "Content-Type": "application/json" },
    });

    const body = await expectError(res, 400, "invalid_json");
    expect(body.error.message).toBe("Request body is not valid JSON");
  });

  it("refuses malformed JSON on the token exchange too", async () => {
    const res = await api("/auth/token", {
      method: "POST",
      rawBody: "api_key=x&secret=y",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.10" },
    });

    await expectError(res, 400, "invalid_json");
  });

  it("refuses a text/plain body with 415", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: JSON.stringify({ title: "Plain", platforms: ["instagram"] }),
      headers: { "Content-Type": "text/plain" },
    });

    const body = await expectError(res, 415, "unsupported_media_type");
    expect(body.error.message).toMatch(/application\/json/);
  });

  it("refuses a body sent without any Content-Type with 415", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: new TextEncoder().encode(JSON.stringify({ title: "x", platforms: ["instagram"] })),
    });

    await expectError(res, 415, "unsupported_media_type");
  });

  it("accepts application/json with a charset", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: JSON.stringify({ title: "Charset", platforms: ["instagram"] }),
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });

    expect(res.status).toBe(201);
  });

  it("refuses a body over 1 MB that declares its Content-Length", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: jsonOfSize(ONE_MB + 1),
      headers: { "Content-Type": "application/json", "Content-Length": String(ONE_MB + 1) },
    });

    const body = await expectError(res, 413, "payload_too_large");
    expect(body.error.message).toBe("Request body exceeds 1 MB");
  });

  it("refuses on the declared Content-Length before reading the body", async () => {
    const request = new Request("https://api.momentik.test/v1/content", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${ws.token}`,
        "Content-Type": "application/json",
        "Content-Length": String(2 * ONE_MB),
      },
      body: "{}",
    });

    await expectError(await callApp(request), 413, "payload_too_large");
  });

  it("lets a body of exactly 1 MB through to validation", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: jsonOfSize(ONE_MB, { title: "Exactly one megabyte", platforms: ["instagram"] }),
      headers: { "Content-Type": "application/json" },
    });

    expect(res.status).toBe(201);
  });

  it("refuses a streamed body over 1 MB sent without Content-Length", async () => {
    const request = new Request("https://api.momentik.test/v1/content", {
      method: "POST",
      headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" },
      body: streamOf(ONE_MB + 1),
      duplex: "half",
    } as RequestInit);
    expect(request.headers.has("Content-Length")).toBe(false);

    const body = await expectError(await callApp(request), 413, "payload_too_large");
    expect(body.error.message).toBe("Request body exceeds 1 MB");
  });

  it("refuses a streamed body over 1 MB through the Worker's fetch", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: streamOf(2 * ONE_MB),
      headers: { "Content-Type": "application/json" },
    });

    await expectError(res, 413, "payload_too_large");
  });

  it("still reads a small streamed body", async () => {
    const payload = new TextEncoder().encode(
      JSON.stringify({ title: "Streamed", platforms: ["linkedin"] }),
    );
    const request = new Request("https://api.momentik.test/v1/content", {
      method: "POST",
      headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(payload.slice(0, 10));
          controller.enqueue(payload.slice(10));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);

    const res = await callApp(request);
    expect(res.status).toBe(201);
    expect((await json(res)).title).toBe("Streamed");
  });
});

describe("CORS", () => {
  it("answers a preflight without a token", async () => {
    const res = await api("/content", {
      method: "OPTIONS",
      headers: {
        Origin: ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });

    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const methods = res.headers.get("Access-Control-Allow-Methods") ?? "";
    expect(methods.split(",").map((m) => m.trim())).toEqual(
      expect.arrayContaining(["GET", "POST", "PUT", "DELETE"]),
    );
    const allowed = (res.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase();
    expect(allowed).toContain("authorization");
    expect(allowed).toContain("content-type");
    expect(res.headers.get("Access-Control-Max-Age")).toBe("86400");
  });

  it("answers a preflight for an item path", async () => {
    const res = await api("/content/cnt_123", {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "DELETE" },
    });

    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("exposes the rate-limit and request-id headers to browsers", async () => {
    const res = await api("/content", { token: ws.token, headers: { Origin: ORIGIN } });

    expect(res.status).toBe(200);
    const exposed = (res.headers.get("Access-Control-Expose-Headers") ?? "").toLowerCase();
    for (const name of ["x-ratelimit-limit", "x-ratelimit-remaining", "retry-after"]) {
      expect(exposed).toContain(name);
    }
    expect(exposed).toContain("x-request-id");
  });

  it("puts Access-Control-Allow-Origin on a 401", async () => {
    const res = await api("/content", { headers: { Origin: ORIGIN } });

    await expectError(res, 401, "unauthorized");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("puts Access-Control-Allow-Origin on a 404 for an unknown route", async () => {
    const res = await api("/nothing-here", { headers: { Origin: ORIGIN } });

    await expectError(res, 404, "not_found");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("puts Access-Control-Allow-Origin on a 422", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: {},
      headers: { Origin: ORIGIN },
    });

    await expectError(res, 422, "validation_failed");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("puts Access-Control-Allow-Origin on a 413", async () => {
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      rawBody: jsonOfSize(ONE_MB + 1),
      headers: { Origin: ORIGIN, "Content-Type": "application/json" },
    });

    await expectError(res, 413, "payload_too_large");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});

describe("rate-limit headers on errors", () => {
  it("puts them on a 404 for an unknown content id", async () => {
    const res = await api("/content/cnt_doesnotexist", { token: ws.token });

    await expectError(res, 404, "not_found");
    expect(res.headers.get("X-RateLimit-Limit")).toBe("1000");
    expect(Number(res.headers.get("X-RateLimit-Remaining"))).toBeLessThan(1000);
    expect(res.headers.get("X-RateLimit-Reset")).toMatch(/^\d+$/);
    expect(res.headers.get("RateLimit-Policy")).toBe('"default";q=1000;w=60');
  });

  it("puts them on a 422", async () => {
    const res = await api("/content", { method: "POST", token: ws.token, body: {} });

    await expectError(res, 422, "validation_failed");
    expect(res.headers.get("X-RateLimit-Limit")).toBe("1000");
  });

  it("puts them on a 403", async () => {
    const limited = await createWorkspace({ scopes: ["content:read"] });
    const res = await api("/content/cnt_123", { method: "DELETE", token: limited.token });

    await expectError(res, 403, "forbidden");
    expect(res.headers.get("X-RateLimit-Limit")).toBe("1000");
  });

  it("puts them on a 401 for a credential that was revoked", async () => {
    const revoked = await createWorkspace();
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?")
      .bind(Date.now(), revoked.keyId)
      .run();

    const res = await api("/content", { token: revoked.token });
    await expectError(res, 401, "unauthorized");
    expect(res.headers.get("X-RateLimit-Limit")).toBe("1000");
  });
});

describe("unversioned paths", () => {
  it("lists content at /content as at /v1/content", async () => {
    const created = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Both paths", platforms: ["instagram"] },
    });
    const { id } = await json<{ id: string }>(created);

    const versioned = await api("/content", { token: ws.token });
    const bare = await api("https://api.momentik.test/content", { token: ws.token });

    expect(bare.status).toBe(200);
    expect(await json(bare)).toEqual(await json(versioned));
    const one = await api(`https://api.momentik.test/content/${id}`, { token: ws.token });
    expect((await json(one)).title).toBe("Both paths");
  });

  it("answers the same errors on both paths", async () => {
    const bare = await api("https://api.momentik.test/content/cnt_nope", { token: ws.token });
    const versioned = await api("/content/cnt_nope", { token: ws.token });

    const a = await expectError(bare, 404, "not_found");
    const b = await expectError(versioned, 404, "not_found");
    expect(a.error).toEqual(b.error);
    const noToken = await api("https://api.momentik.test/content");
    await expectError(noToken, 401, "unauthorized");
    const wrongMethod = await api("https://api.momentik.test/content", { method: "PATCH" });
    await expectError(wrongMethod, 405, "method_not_allowed");
  });
});

describe("500 Internal Server Error", () => {
  // No route can be made to fail from outside, so the app is given a database that throws.
  const brokenDb = {
    prepare() {
      throw new Error("D1_ERROR: no such table: api_keys_internal at /srv/secret/path.ts:12");
    },
    batch() {
      throw new Error("D1_ERROR: batch failed at /srv/secret/path.ts:34");
    },
  };

  function listRequest(headers: Record<string, string> = {}) {
    return new Request("https://api.momentik.test/v1/content", {
      headers: { Authorization: `Bearer ${ws.token}`, ...headers },
    });
  }

  it("answers with the envelope and no stack or internal message", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});

    const res = await callApp(listRequest(), { DB: brokenDb });

    expect(res.status).toBe(500);
    const text = await res.clone().text();
    expect(text).not.toMatch(/D1_ERROR|secret|\.ts|at |stack/i);
    const body = await expectError(res, 500, "internal_error");
    expect(body.error.message).toBe("Something went wrong on our side");
    expect(body.error.details).toBeNull();
    // The stack goes to the log instead, under the same request id.
    const lines = logged.mock.calls.map((args) => String(args[0]));
    const line = lines.find((l) => l.includes("unhandled error"));
    expect(line).toBeDefined();
    const entry = JSON.parse(line as string);
    expect(entry.request_id).toBe(body.request_id);
    expect(entry.stack).toContain("D1_ERROR");
  });

  it("answers a broken configuration with 503 naming the setting to fix", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});

    const res = await callApp(listRequest({ "X-Request-Id": "cfg-broken" }), {
      RATE_LIMIT_PER_MINUTE: "lots",
    });

    const body = await expectError(res, 503, "service_unavailable");
    expect(body.request_id).toBe("cfg-broken");
    expect(body.error.message).toContain("RATE_LIMIT_PER_MINUTE");
  });

  it("keeps CORS headers on a 500", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});

    const res = await callApp(listRequest({ Origin: ORIGIN }), { DB: brokenDb });

    await expectError(res, 500, "internal_error");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});

describe("paths", () => {
  it("serves a path with a trailing slash like the one without", async () => {
    const ws = await createWorkspace();
    const res = await api("/content/", { token: ws.token });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty("pagination");
  });

  it("answers 404 for a path id that could never exist", async () => {
    const ws = await createWorkspace();
    const res = await api(`/content/cnt_${"x".repeat(100)}`, { token: ws.token });
    expect(res.status).toBe(404);
  });
});
