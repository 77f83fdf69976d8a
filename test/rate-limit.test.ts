import {
  createExecutionContext,
  evictDurableObject,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import type { LeaseRequest, RateLimiter } from "../src/rate-limit/rate-limiter-object";
import { createWorkspace, issueToken, json } from "./helpers/fixtures";

type ErrorEnvelope = {
  error: { code: string; message: string; details: unknown };
  request_id: string;
};

type Overrides = Record<string, unknown>;

// Config is cached per env object, so every call gets a fresh spread and reads its own
// limits. Limiter state is keyed by API key, and each workspace has a new key.
async function call(request: Request, overrides: Overrides): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function list(token: string, overrides: Overrides = { RATE_LIMIT_PER_MINUTE: "5" }) {
  const request = new Request("https://api.momentik.test/v1/content", {
    headers: { Authorization: `Bearer ${token}` },
  });
  return call(request, overrides);
}

function tokenExchange(body: unknown, address: string, overrides: Overrides) {
  const request = new Request("https://api.momentik.test/v1/auth/token", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
    body: JSON.stringify(body),
  });
  return call(request, overrides);
}

async function drain(responses: Promise<Response>[]): Promise<number[]> {
  const settled = await Promise.all(responses);
  await Promise.all(settled.map((r) => r.arrayBuffer()));
  return settled.map((r) => r.status);
}

function limiter(name = `test:${crypto.randomUUID()}`) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}

function lease(overrides: Partial<LeaseRequest> = {}): LeaseRequest {
  return { requested: 1, limit: 5, windowMs: 60_000, holdMs: 1000, ...overrides };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("per-credential limit", () => {
  it("counts X-RateLimit-Remaining down from the limit", async () => {
    const ws = await createWorkspace();
    const seen: [string | null, string | null][] = [];

    for (let i = 0; i < 5; i++) {
      const res = await list(ws.token);
      expect(res.status).toBe(200);
      seen.push([res.headers.get("X-RateLimit-Limit"), res.headers.get("X-RateLimit-Remaining")]);
    }

    expect(seen).toEqual([
      ["5", "4"],
      ["5", "3"],
      ["5", "2"],
      ["5", "1"],
      ["5", "0"],
    ]);
  });

  it("sends the standard RateLimit and RateLimit-Policy headers on success", async () => {
    const ws = await createWorkspace();

    const res = await list(ws.token);
    expect(res.headers.get("RateLimit-Policy")).toBe('"default";q=5;w=60');
    expect(res.headers.get("RateLimit")).toMatch(/^"default";r=4;t=(60|61)$/);
    expect(res.headers.get("Retry-After")).toBeNull();
  });

  it("refuses the request after the limit with 429 and when to retry", async () => {
    const ws = await createWorkspace();
    for (let i = 0; i < 5; i++) expect((await list(ws.token)).status).toBe(200);

    const res = await list(ws.token);

    expect(res.status).toBe(429);
    const body = await json<ErrorEnvelope>(res);
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toBe("Rate limit of 5 requests per minute exceeded");
    expect(body.error.details).toBeNull();
    expect(body.request_id).toBe(res.headers.get("X-Request-Id"));
    const retryAfter = Number(res.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(55);
    expect(retryAfter).toBeLessThanOrEqual(61);
    expect(res.headers.get("X-RateLimit-Limit")).toBe("5");
    expect(res.headers.get("X-RateLimit-Remaining")).toBe("0");
    expect(res.headers.get("RateLimit")).toBe(`"default";r=0;t=${retryAfter}`);
    expect(res.headers.get("RateLimit-Policy")).toBe('"default";q=5;w=60');
  });

  it("keeps refusing once the budget is spent", async () => {
    const ws = await createWorkspace();

    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await list(ws.token)).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it("reports X-RateLimit-Reset as epoch seconds within the next 61 seconds", async () => {
    const ws = await createWorkspace();
    const before = Math.floor(Date.now() / 1000);

    const res = await list(ws.token);
    const reset = Number(res.headers.get("X-RateLimit-Reset"));

    expect(res.headers.get("X-RateLimit-Reset")).toMatch(/^\d{10}$/);
    expect(reset).toBeGreaterThanOrEqual(before + 59);
    expect(reset).toBeLessThanOrEqual(before + 62);
  });

  it("does not reset the budget when the same key mints a fresh token", async () => {
    const ws = await createWorkspace();
    for (let i = 0; i < 5; i++) expect((await list(ws.token)).status).toBe(200);

    const fresh = await issueToken(ws.apiKey, ws.secret);
    expect(fresh).not.toBe(ws.token);

    const res = await list(fresh);
    expect(res.status).toBe(429);
    expect((await json<ErrorEnvelope>(res)).error.code).toBe("rate_limited");
  });

  it("lets exactly the limit through when requests arrive at once", async () => {
    const ws = await createWorkspace();
    const overrides = { RATE_LIMIT_PER_MINUTE: "10" };

    const statuses = await drain(Array.from({ length: 20 }, () => list(ws.token, overrides)));

    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  it("lets every request through when a burst stays under the limit", async () => {
    const ws = await createWorkspace();

    const statuses = await drain(
      Array.from({ length: 8 }, () => list(ws.token, { RATE_LIMIT_PER_MINUTE: "10" })),
    );

    expect(statuses).toEqual(Array(8).fill(200));
  });

  it("holds the limit exactly when isolates lease several requests at a time", {
    timeout: 30_000,
  }, async () => {
    const ws = await createWorkspace();
    // 2 % of 150 lets the isolate lease up to 3 requests per call to the object.
    const overrides = { RATE_LIMIT_PER_MINUTE: "150" };

    const statuses = await drain(Array.from({ length: 180 }, () => list(ws.token, overrides)));

    expect(statuses.filter((s) => s === 200)).toHaveLength(150);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });

  it("gives each key its own budget", async () => {
    const spent = await createWorkspace();
    const other = await createWorkspace();
    for (let i = 0; i < 5; i++) await list(spent.token);
    expect((await list(spent.token)).status).toBe(429);

    const res = await list(other.token);

    expect(res.status).toBe(200);
    expect(res.headers.get("X-RateLimit-Remaining")).toBe("4");
  });

  it("counts requests that end in an error against the budget", async () => {
    const ws = await createWorkspace();
    const missing = () =>
      call(
        new Request("https://api.momentik.test/v1/content/cnt_doesnotexist", {
          headers: { Authorization: `Bearer ${ws.token}` },
        }),
        { RATE_LIMIT_PER_MINUTE: "5" },
      );

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await missing()).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404]);

    expect((await list(ws.token)).status).toBe(429);
  });

  it("limits before it checks whether the credential is still active", async () => {
    const ws = await createWorkspace();
    for (let i = 0; i < 5; i++) await list(ws.token);
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?")
      .bind(Date.now(), ws.keyId)
      .run();

    // A flood from a revoked key is refused by the limiter, without reading the database.
    expect((await list(ws.token)).status).toBe(429);
  });

  it("does not limit a request that fails authentication", async () => {
    const statuses = await drain(
      Array.from({ length: 8 }, () => list("not-a-valid-token", { RATE_LIMIT_PER_MINUTE: "2" })),
    );

    expect(statuses.every((s) => s === 401)).toBe(true);
  });

  it("turns limiting off with RATE_LIMIT_ENABLED=false", async () => {
    const ws = await createWorkspace();
    const overrides = { RATE_LIMIT_PER_MINUTE: "2", RATE_LIMIT_ENABLED: "false" };

    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await list(ws.token, overrides));

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(responses.every((r) => r.headers.get("X-RateLimit-Limit") === null)).toBe(true);
  });

  it("keeps limiting in the isolate when the limiter cannot be reached", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const ws = await createWorkspace();
    const unreachable = {
      idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
      get: () => ({
        lease: () => Promise.reject(new Error("Durable Object storage unavailable")),
      }),
    };
    const overrides = { RATE_LIMIT_PER_MINUTE: "3", RATE_LIMITER: unreachable };

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await list(ws.token, overrides)).status);

    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const lines = logged.mock.calls.map((args) => String(args[0]));
    expect(lines.some((l) => l.includes("rate limiter unreachable"))).toBe(true);
  });
});

describe("per-address limit on POST /auth/token", () => {
  it("refuses the address after TOKEN_RATE_LIMIT_PER_MINUTE attempts", async () => {
    const ws = await createWorkspace();
    const overrides = { TOKEN_RATE_LIMIT_PER_MINUTE: "3" };
    const good = { api_key: ws.apiKey, secret: ws.secret };
    const address = "198.51.100.20";

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await tokenExchange(good, address, overrides);
      statuses.push(res.status);
      expect(res.headers.get("X-RateLimit-Limit")).toBe("3");
      expect(res.headers.get("X-RateLimit-Remaining")).toBe(String(2 - i));
    }
    const refused = await tokenExchange(good, address, overrides);

    expect(statuses).toEqual([200, 200, 200]);
    expect(refused.status).toBe(429);
    const body = await json<ErrorEnvelope>(refused);
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toContain("3 per minute");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused.headers.get("RateLimit-Policy")).toBe('"default";q=3;w=60');
  });

  it("counts failed guesses, so secrets cannot be tried at speed", async () => {
    const ws = await createWorkspace();
    const overrides = { TOKEN_RATE_LIMIT_PER_MINUTE: "3" };
    const address = "198.51.100.21";

    for (let i = 0; i < 3; i++) {
      const res = await tokenExchange(
        { api_key: ws.apiKey, secret: `guess-${i}` },
        address,
        overrides,
      );
      expect(res.status).toBe(401);
    }
    const right = await tokenExchange(
      { api_key: ws.apiKey, secret: ws.secret },
      address,
      overrides,
    );

    expect(right.status).toBe(429);
  });

  it("keeps a separate budget for each address", async () => {
    const ws = await createWorkspace();
    const overrides = { TOKEN_RATE_LIMIT_PER_MINUTE: "2" };
    const good = { api_key: ws.apiKey, secret: ws.secret };

    await tokenExchange(good, "198.51.100.22", overrides);
    await tokenExchange(good, "198.51.100.22", overrides);
    expect((await tokenExchange(good, "198.51.100.22", overrides)).status).toBe(429);

    expect((await tokenExchange(good, "198.51.100.23", overrides)).status).toBe(200);
  });

  it("is turned off with RATE_LIMIT_ENABLED=false", async () => {
    const ws = await createWorkspace();
    const overrides = { TOKEN_RATE_LIMIT_PER_MINUTE: "1", RATE_LIMIT_ENABLED: "false" };
    const good = { api_key: ws.apiKey, secret: ws.secret };

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await tokenExchange(good, "198.51.100.24", overrides)).status);
    }

    expect(statuses).toEqual([200, 200, 200]);
  });
});

describe("RateLimiter Durable Object", () => {
  it("grants what is asked while the budget lasts, then only what is left", async () => {
    const stub = limiter();

    const first = await stub.lease(lease({ requested: 3 }));
    const second = await stub.lease(lease({ requested: 3 }));
    const third = await stub.lease(lease({ requested: 1 }));

    expect(first).toMatchObject({ granted: 3, remaining: 2 });
    expect(second).toMatchObject({ granted: 2, remaining: 0 });
    expect(third).toMatchObject({ granted: 0, remaining: 0 });
  });

  it("never grants more than the limit in total, however requests interleave", async () => {
    const stub = limiter();

    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stub.lease(lease({ requested: (i % 3) + 1, limit: 7 }))),
    );

    expect(results.reduce((sum, r) => sum + r.granted, 0)).toBe(7);
    expect(results.every((r) => r.remaining >= 0)).toBe(true);
  });

  it("refuses nonsense requests without spending the budget", async () => {
    const stub = limiter();

    const negative = await stub.lease(lease({ requested: -4 }));
    const fraction = await stub.lease(lease({ requested: 2.9 }));

    expect(negative).toMatchObject({ granted: 0, remaining: 5 });
    expect(fraction).toMatchObject({ granted: 2, remaining: 3 });
  });

  it("counts a lease until holdMs + windowMs after it was granted", async () => {
    const stub = limiter();
    const window = { limit: 1, windowMs: 60_000, holdMs: 1000 };

    // The clock is pinned inside the object so the edges can be probed to the millisecond.
    const results = await runInDurableObject(stub, (instance: RateLimiter) => {
      const clock = vi.spyOn(Date, "now");
      const at = (t: number) => {
        clock.mockReturnValue(t);
        return instance.lease(lease(window));
      };
      try {
        const t0 = 1_900_000_000_000;
        return {
          first: at(t0),
          pastWindowAlone: at(t0 + 60_000),
          lastMillisecond: at(t0 + 60_999),
          afterHoldAndWindow: at(t0 + 61_000),
        };
      } finally {
        clock.mockRestore();
      }
    });

    expect(results.first).toEqual({ granted: 1, remaining: 0, resetAt: 1_900_000_061_000 });
    expect(results.pastWindowAlone.granted).toBe(0);
    expect(results.lastMillisecond.granted).toBe(0);
    expect(results.afterHoldAndWindow).toMatchObject({ granted: 1, remaining: 0 });
  });

  it("frees a lease in real time once holdMs + windowMs have passed", async () => {
    const stub = limiter();
    const window = { limit: 1, windowMs: 500, holdMs: 500 };

    const granted = await stub.lease(lease(window));
    expect(granted.granted).toBe(1);
    expect((await stub.lease(lease(window))).granted).toBe(0);

    await scheduler.wait(Math.max(0, granted.resetAt - Date.now()) + 50);
    expect((await stub.lease(lease(window))).granted).toBe(1);
  });

  it("resets at the expiry of the oldest grant that still counts", async () => {
    const stub = limiter();

    const first = await stub.lease(lease({ requested: 1 }));
    await scheduler.wait(20);
    const second = await stub.lease(lease({ requested: 1 }));

    expect(second.resetAt).toBe(first.resetAt);
  });

  it("writes each grant to storage and drops expired ones", async () => {
    const stub = limiter();
    await stub.lease(lease({ requested: 2, windowMs: 50, holdMs: 0 }));
    await scheduler.wait(80);
    await stub.lease(lease({ requested: 3 }));

    const rows = await runInDurableObject(stub, (_instance: RateLimiter, state) => [
      ...state.storage.sql.exec<{ expires_at: number; n: number }>(
        "SELECT expires_at, n FROM grants",
      ),
    ]);

    expect(rows).toHaveLength(1);
    expect(rows[0]?.n).toBe(3);
    expect(rows[0]?.expires_at).toBeGreaterThan(Date.now() + 60_000);
  });

  it("keeps its count when the object is evicted and restarted", async () => {
    const stub = limiter();
    expect((await stub.lease(lease({ requested: 4 }))).granted).toBe(4);

    await evictDurableObject(stub);

    const after = await stub.lease(lease({ requested: 4 }));
    expect(after).toMatchObject({ granted: 1, remaining: 0 });
  });

  it("keeps separate counts for separate names", async () => {
    const a = limiter();
    const b = limiter();

    await a.lease(lease({ requested: 5 }));

    expect((await a.lease(lease())).granted).toBe(0);
    expect((await b.lease(lease())).granted).toBe(1);
  });
});

describe("requests with invalid tokens", () => {
  it("carry rate-limit headers and are limited per address", async () => {
    const overrides = { TOKEN_RATE_LIMIT_PER_MINUTE: "1" };
    const bad = () =>
      call(
        new Request("https://api.momentik.test/v1/content", {
          headers: { Authorization: "Bearer not.a.token", "CF-Connecting-IP": "203.0.113.77" },
        }),
        overrides,
      );

    const first = await bad();
    expect(first.status).toBe(401);
    expect(first.headers.get("X-RateLimit-Limit")).toBe("10");
    expect(first.headers.get("X-RateLimit-Remaining")).toBe("9");

    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await bad()).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(9);
    expect(statuses.at(-1)).toBe(429);
  });
});
