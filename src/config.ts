import { ApiError } from "./errors";

export type Config = {
  tokenIssuer: string;
  tokenAudience: string;
  tokenTtlSeconds: number;
  rateLimitPerMinute: number;
  tokenRateLimitPerMinute: number;
  rateLimitEnabled: boolean;
};

const MIN_SECRET_BYTES = 32;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ApiError(
      "service_unavailable",
      `The API is not configured: ${name} must be a positive integer`,
    );
  }
  return n;
}

// Parsed once per isolate per env object: config is read on every request.
const cache = new WeakMap<object, Config>();

export function readConfig(env: Cloudflare.Env): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const config: Config = {
    tokenIssuer: env.TOKEN_ISSUER || "https://api.momentik.ai",
    tokenAudience: env.TOKEN_AUDIENCE || "momentik-api",
    tokenTtlSeconds: positiveInt("TOKEN_TTL_SECONDS", env.TOKEN_TTL_SECONDS, 3600),
    rateLimitPerMinute: positiveInt("RATE_LIMIT_PER_MINUTE", env.RATE_LIMIT_PER_MINUTE, 1000),
    tokenRateLimitPerMinute: positiveInt(
      "TOKEN_RATE_LIMIT_PER_MINUTE",
      env.TOKEN_RATE_LIMIT_PER_MINUTE,
      30,
    ),
    rateLimitEnabled: env.RATE_LIMIT_ENABLED !== "false",
  };
  cache.set(env, config);
  return config;
}

// A short HMAC key makes every token forgeable, so the Worker refuses to serve without one.
export function requireSigningSecret(env: Cloudflare.Env): string {
  const secret = env.JWT_SECRET;
  if (!secret || new TextEncoder().encode(secret).byteLength < MIN_SECRET_BYTES) {
    throw new ApiError(
      "service_unavailable",
      "The API is not configured: JWT_SECRET must be set and at least 32 bytes long",
    );
  }
  return secret;
}
