import { DurableObject } from "cloudflare:workers";

export type LeaseRequest = {
  requested: number;
  limit: number;
  windowMs: number;
  // How long the caller may take to spend the lease. A grant counts against the window
  // from the moment it is made until `holdMs + windowMs` later, so tokens spent late in
  // their hold still fall inside a window that counted them.
  holdMs: number;
};

export type LeaseResult = {
  granted: number;
  remaining: number;
  resetAt: number;
};

type Grant = { expiresAt: number; n: number };

// One instance per API credential (or per client address for /auth/token). It keeps every
// grant that still counts, in memory and in its SQLite storage so an eviction or restart
// does not hand out a fresh budget.
export class RateLimiter extends DurableObject<Cloudflare.Env> {
  private grants: Grant[] = [];

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(
        "CREATE TABLE IF NOT EXISTS grants (expires_at INTEGER NOT NULL, n INTEGER NOT NULL)",
      );
      const rows = this.sql.exec<{ expires_at: number; n: number }>(
        "SELECT expires_at, n FROM grants ORDER BY expires_at",
      );
      this.grants = [...rows].map((r) => ({ expiresAt: r.expires_at, n: r.n }));
    });
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  lease(request: LeaseRequest): LeaseResult {
    const now = Date.now();
    this.dropExpired(now);

    const used = this.grants.reduce((sum, g) => sum + g.n, 0);
    const available = Math.max(0, request.limit - used);
    const granted = Math.min(Math.max(0, Math.floor(request.requested)), available);

    if (granted > 0) {
      const grant = { expiresAt: now + request.holdMs + request.windowMs, n: granted };
      this.grants.push(grant);
      this.sql.exec("INSERT INTO grants (expires_at, n) VALUES (?, ?)", grant.expiresAt, granted);
    }

    const first = this.grants[0];
    return {
      granted,
      remaining: available - granted,
      resetAt: first ? first.expiresAt : now + request.windowMs,
    };
  }

  private dropExpired(now: number): void {
    let i = 0;
    while (i < this.grants.length && (this.grants[i] as Grant).expiresAt <= now) i++;
    if (i === 0) return;
    this.grants.splice(0, i);
    this.sql.exec("DELETE FROM grants WHERE expires_at <= ?", now);
  }
}
