import type { Logger } from "../logger";
import type { LeaseResult, RateLimiter } from "./rate-limiter-object";

export type Decision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAt: number;
};

export type LimiterOptions = {
  limit: number;
  windowMs: number;
  // Largest lease an isolate may hold. 1 means every request asks the object.
  maxLease: number;
};

const HOLD_MS = 1000;
const MAX_BUCKETS = 10_000;

type Bucket = {
  tokens: number;
  expiresAt: number;
  remainingAtObject: number;
  resetAt: number;
  leaseSize: number;
  leasedAt: number;
  pending: Promise<void> | null;
  // Used only while the object cannot be reached; see `fallback`.
  fallbackCount: number;
  fallbackWindowEnd: number;
};

// Per-isolate leases. Asking the Durable Object on every request halves throughput, so an
// isolate that is busy leases a few requests at a time and spends them locally. The object
// counts a lease as spent when it grants it, so the limit is never exceeded; at worst an
// isolate that goes quiet lets a few leased requests lapse unused for a second.
export class LeaseClient {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly namespace: DurableObjectNamespace<RateLimiter>) {}

  async take(name: string, options: LimiterOptions, logger: Logger): Promise<Decision> {
    const bucket = this.bucket(name);

    for (;;) {
      const now = Date.now();
      if (bucket.tokens > 0 && now < bucket.expiresAt) {
        bucket.tokens -= 1;
        return {
          allowed: true,
          limit: options.limit,
          remaining: bucket.remainingAtObject + bucket.tokens,
          resetAt: bucket.resetAt,
        };
      }
      // Concurrent requests of one isolate share one call to the object.
      if (!bucket.pending) {
        bucket.pending = this.refill(name, bucket, options).finally(() => {
          bucket.pending = null;
        });
      }
      const outcome = await bucket.pending.then(
        () => null,
        (err: unknown) => err,
      );
      if (outcome !== null) return this.fallback(name, bucket, options, outcome, logger);
      if (bucket.tokens === 0) {
        return {
          allowed: false,
          limit: options.limit,
          remaining: 0,
          resetAt: bucket.resetAt,
        };
      }
    }
  }

  private async refill(name: string, bucket: Bucket, options: LimiterOptions): Promise<void> {
    const now = Date.now();
    // Grow the lease while the previous one ran out well inside its hold; shrink otherwise.
    const busy = bucket.leasedAt > 0 && now - bucket.leasedAt < HOLD_MS / 2;
    const size = busy ? Math.min(options.maxLease, bucket.leaseSize * 2) : 1;

    const stub = this.namespace.get(this.namespace.idFromName(name));
    const result: LeaseResult = await stub.lease({
      requested: size,
      limit: options.limit,
      windowMs: options.windowMs,
      holdMs: HOLD_MS,
    });

    bucket.leaseSize = Math.max(1, size);
    bucket.leasedAt = Date.now();
    bucket.tokens = result.granted;
    bucket.expiresAt = bucket.leasedAt + HOLD_MS;
    bucket.remainingAtObject = result.remaining;
    bucket.resetAt = result.resetAt;
  }

  // When the object cannot be reached the API stays up: each isolate enforces the limit on
  // its own over a fixed window. Across isolates this may let more through, which we accept
  // over refusing every request during a storage incident; the error is logged each time.
  private fallback(
    name: string,
    bucket: Bucket,
    options: LimiterOptions,
    err: unknown,
    logger: Logger,
  ): Decision {
    logger.error("rate limiter unreachable, limiting in isolate", {
      limiter: name,
      error: err instanceof Error ? err.message : String(err),
    });
    const now = Date.now();
    if (now >= bucket.fallbackWindowEnd) {
      bucket.fallbackWindowEnd = now + options.windowMs;
      bucket.fallbackCount = 0;
    }
    const allowed = bucket.fallbackCount < options.limit;
    if (allowed) bucket.fallbackCount += 1;
    return {
      allowed,
      limit: options.limit,
      remaining: Math.max(0, options.limit - bucket.fallbackCount),
      resetAt: bucket.fallbackWindowEnd,
    };
  }

  private bucket(name: string): Bucket {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.evictIdle();
      bucket = {
        tokens: 0,
        expiresAt: 0,
        remainingAtObject: 0,
        resetAt: 0,
        leaseSize: 1,
        leasedAt: 0,
        pending: null,
        fallbackCount: 0,
        fallbackWindowEnd: 0,
      };
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  private evictIdle(): void {
    const now = Date.now();
    for (const [name, b] of this.buckets) {
      if (!b.pending && now >= b.expiresAt) this.buckets.delete(name);
    }
  }
}

export function rateLimitHeaders(d: Decision, windowMs: number): Record<string, string> {
  const now = Date.now();
  const resetDelta = Math.max(0, Math.ceil((d.resetAt - now) / 1000));
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(d.limit),
    "X-RateLimit-Remaining": String(d.remaining),
    "X-RateLimit-Reset": String(Math.ceil(d.resetAt / 1000)),
    "RateLimit-Policy": `"default";q=${d.limit};w=${Math.round(windowMs / 1000)}`,
    RateLimit: `"default";r=${d.remaining};t=${resetDelta}`,
  };
  if (!d.allowed) headers["Retry-After"] = String(Math.max(1, resetDelta));
  return headers;
}
