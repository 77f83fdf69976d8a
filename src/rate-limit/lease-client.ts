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
// A slow object must not hold every request of its key; past this the fallback decides.
const LEASE_TIMEOUT_MS = 1000;
// A request waits at most this long for another request's lease before asking itself.
const MAX_WAIT_MS = 50;

type Bucket = {
  tokens: number;
  expiresAt: number;
  remainingAtObject: number;
  resetAt: number;
  leaseSize: number;
  leasedAt: number;
  // Requests of this isolate asking the object right now, and requests waiting for them.
  inFlight: number;
  inFlightSince: number;
  waiting: number;
  // When the object last answered, and until when it refused; asking again sooner than that
  // would only load it.
  answeredAt: number;
  deniedUntil: number;
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
    if (Date.now() < bucket.deniedUntil) return this.denied(bucket, options);
    // A request cancelled while asking never runs its `finally`: an old count is not trusted.
    if (bucket.inFlight > 0 && Date.now() - bucket.inFlightSince > LEASE_TIMEOUT_MS * 2) {
      bucket.inFlight = 0;
    }
    let waited = 0;
    for (;;) {
      if (bucket.tokens > 0 && Date.now() < bucket.expiresAt) {
        bucket.tokens -= 1;
        return this.allowed(bucket, options);
      }
      // While another request of this isolate is asking the object, wait for its lease
      // rather than asking too. The wait is a timer of this request's own: awaiting the other
      // request's promise would resume this one inside that request's I/O context, which the
      // runtime refuses once that request has finished.
      if (bucket.inFlight === 0 || waited >= MAX_WAIT_MS) break;
      bucket.waiting += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      bucket.waiting -= 1;
      waited += 1;
    }

    let result: LeaseResult;
    // The object counts the grant from its own clock before it answers, so the hold is
    // measured from before the call: tokens are never spent later than it counted them.
    const askedAt = Date.now();
    bucket.inFlight += 1;
    bucket.inFlightSince = askedAt;
    try {
      result = await withTimeout(this.lease(name, bucket, options), LEASE_TIMEOUT_MS);
    } catch (err) {
      return this.fallback(name, bucket, options, err, logger);
    } finally {
      bucket.inFlight = Math.max(0, bucket.inFlight - 1);
    }
    bucket.remainingAtObject = result.remaining;
    bucket.resetAt = result.resetAt;
    bucket.answeredAt = Date.now();
    if (result.granted === 0) {
      bucket.deniedUntil = result.resetAt;
      return this.denied(bucket, options);
    }

    const now = Date.now();
    const expiresAt = askedAt + HOLD_MS;
    const live = bucket.tokens > 0 && now < bucket.expiresAt;
    // Tokens of an older lease must not outlive their own hold, so a merged bucket keeps the
    // earlier expiry; the newer tokens then lapse a little early, which only wastes them.
    bucket.expiresAt = live ? Math.min(bucket.expiresAt, expiresAt) : expiresAt;
    bucket.tokens = (live ? bucket.tokens : 0) + result.granted - 1;
    return this.allowed(bucket, options);
  }

  private denied(bucket: Bucket, options: LimiterOptions): Decision {
    return { allowed: false, limit: options.limit, remaining: 0, resetAt: bucket.resetAt };
  }

  private allowed(bucket: Bucket, options: LimiterOptions): Decision {
    return {
      allowed: true,
      limit: options.limit,
      remaining: bucket.remainingAtObject + bucket.tokens,
      resetAt: bucket.resetAt,
    };
  }

  private async lease(name: string, bucket: Bucket, options: LimiterOptions) {
    const now = Date.now();
    const size = Math.min(
      options.maxLease,
      Math.max(1 + bucket.waiting, nextLeaseSize(bucket, now)),
    );
    bucket.leaseSize = Math.max(1, size);
    bucket.leasedAt = now;

    const stub = this.namespace.get(this.namespace.idFromName(name));
    return stub.lease({
      requested: size,
      limit: options.limit,
      windowMs: options.windowMs,
      holdMs: HOLD_MS,
    });
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
      // Start from what the object last said was spent, if that was within the window.
      const recent = bucket.answeredAt > 0 && now - bucket.answeredAt < options.windowMs;
      bucket.fallbackCount = recent ? options.limit - bucket.remainingAtObject : 0;
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
        inFlight: 0,
        inFlightSince: 0,
        waiting: 0,
        deniedUntil: 0,
        answeredAt: 0,
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
      if (now >= b.expiresAt && b.inFlight === 0) this.buckets.delete(name);
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate limiter did not answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
}

// Sizes a lease to the demand the last one met: used up in under half its hold, twice as
// many; used up within its hold, as many; lapsed with tokens left, half as many; a key quiet
// for a while starts again at one. Resetting to one after every slower lease would make a key
// at a steady few requests a second ask the object every few requests.
export function nextLeaseSize(
  bucket: Pick<Bucket, "leasedAt" | "leaseSize" | "tokens">,
  now: number,
): number {
  if (bucket.leasedAt === 0 || now - bucket.leasedAt > 5 * HOLD_MS) return 1;
  const usedUp = bucket.tokens === 0;
  if (usedUp && now - bucket.leasedAt < HOLD_MS / 2) return bucket.leaseSize * 2;
  if (usedUp) return bucket.leaseSize;
  return Math.max(1, Math.floor(bucket.leaseSize / 2));
}
