import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { type Decision, LeaseClient, rateLimitHeaders } from "../rate-limit/lease-client";

const WINDOW_MS = 60_000;

// One per isolate: the leases it holds are what spares the Durable Object round trip.
const clients = new WeakMap<object, LeaseClient>();

function leaseClient(env: Cloudflare.Env): LeaseClient {
  let client = clients.get(env.RATE_LIMITER);
  if (!client) {
    client = new LeaseClient(env.RATE_LIMITER);
    clients.set(env.RATE_LIMITER, client);
  }
  return client;
}

function apply(decision: Decision, res: Response): void {
  for (const [name, value] of Object.entries(rateLimitHeaders(decision, WINDOW_MS))) {
    res.headers.set(name, value);
  }
}

// Per API credential (the key behind the token), so minting a new token resets nothing.
export const rateLimitByCredential = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get("config");
  if (!config.rateLimitEnabled) return next();

  const limit = config.rateLimitPerMinute;
  const decision = await leaseClient(c.env).take(
    `key:${c.get("caller").keyId}`,
    {
      limit,
      windowMs: WINDOW_MS,
      // A lease of 2 % of the budget keeps the waste of an idle isolate small.
      maxLease: Math.max(1, Math.floor(limit / 50)),
    },
    c.get("logger"),
  );
  if (!decision.allowed) {
    throw new ApiError(
      "rate_limited",
      `Rate limit of ${limit} requests per minute exceeded`,
      null,
      rateLimitHeaders(decision, WINDOW_MS),
    );
  }
  await next();
  apply(decision, c.res);
});

// Counts a request against a per-address budget, exactly (no leases), and answers 429 when it
// is spent; otherwise hands back the headers the response carries.
async function takeForAddress(
  c: Context<AppEnv>,
  bucket: string,
  limit: number,
  refusal: string,
): Promise<Decision> {
  const address = c.req.header("cf-connecting-ip") ?? "local";
  const decision = await leaseClient(c.env).take(
    `${bucket}:${address}`,
    { limit, windowMs: WINDOW_MS, maxLease: 1 },
    c.get("logger"),
  );
  if (!decision.allowed) {
    throw new ApiError("rate_limited", refusal, null, rateLimitHeaders(decision, WINDOW_MS));
  }
  return decision;
}

// Unauthenticated token exchange is limited per client address, so secrets cannot be guessed
// at speed.
export const rateLimitByAddress = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get("config");
  if (!config.rateLimitEnabled) return next();

  const limit = config.tokenRateLimitPerMinute;
  const decision = await takeForAddress(
    c,
    "ip",
    limit,
    `Too many token requests from this address; limit is ${limit} per minute`,
  );
  await next();
  apply(decision, c.res);
});

// Requests whose token fails verification have no credential to count against, so they are
// counted per client address (ten times the token-exchange budget: a misconfigured client is
// slowed, a guessing one is stopped). The answer still carries the rate-limit headers.
export async function limitFailedAuthentication(
  c: Context<AppEnv>,
): Promise<Record<string, string>> {
  const config = c.get("config");
  if (!config.rateLimitEnabled) return {};
  const decision = await takeForAddress(
    c,
    "unauthenticated",
    config.tokenRateLimitPerMinute * 10,
    "Too many requests with invalid tokens from this address",
  );
  return rateLimitHeaders(decision, WINDOW_MS);
}
