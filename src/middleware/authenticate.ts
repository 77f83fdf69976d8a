import { and, eq, isNull } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { intersect, type Scope } from "../auth/scopes";
import { verifyToken } from "../auth/tokens";
import { requireSigningSecret } from "../config";
import type { AppEnv, Caller } from "../context";
import { apiKeys, memberships } from "../db/schema";
import { ApiError } from "../errors";
import { limitFailedAuthentication, rateLimitByCredential } from "./rate-limit";

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i;

// Checks the token's signature and claims only. The credential's live state is checked
// by `activeCredential`, after the rate limit, so a flood costs no database reads.
export const verifyBearer = createMiddleware<AppEnv>(async (c, next) => {
  let claims: Awaited<ReturnType<typeof verifyToken>>;
  try {
    const header = c.req.header("authorization");
    const match = header ? BEARER.exec(header) : null;
    if (!match?.[1]) {
      throw new ApiError("unauthorized", "Missing bearer token", null, {
        "WWW-Authenticate": 'Bearer realm="momentik"',
      });
    }
    claims = await verifyToken(match[1], requireSigningSecret(c.env), c.get("config"));
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== "unauthorized") throw err;
    const limits = await limitFailedAuthentication(c);
    throw new ApiError(err.code, err.message, err.details, { ...err.headers, ...limits });
  }
  c.set("caller", {
    workspaceId: claims.workspaceId,
    userId: claims.userId,
    keyId: claims.keyId,
    scopes: claims.scopes as Scope[],
    expiresAt: claims.expiresAt,
  });
  await next();
});

// A revoked key or a removed member stops working at once, not when its tokens expire,
// and a narrowed membership narrows the token's scopes at once too.
export const activeCredential = createMiddleware<AppEnv>(async (c, next) => {
  const caller = c.get("caller");
  const row = await c
    .get("db")
    .select({ permissions: memberships.permissions })
    .from(apiKeys)
    .innerJoin(
      memberships,
      and(eq(memberships.workspaceId, apiKeys.workspaceId), eq(memberships.userId, apiKeys.userId)),
    )
    .where(
      and(
        eq(apiKeys.id, caller.keyId),
        eq(apiKeys.workspaceId, caller.workspaceId),
        eq(apiKeys.userId, caller.userId),
        isNull(apiKeys.revokedAt),
      ),
    )
    .get();
  if (!row)
    throw new ApiError("unauthorized", "The credential behind this token is no longer active");

  c.set("caller", { ...caller, scopes: intersect(caller.scopes, row.permissions) });
  await next();
});

export function assertScope(caller: Caller, scope: Scope): void {
  if (!caller.scopes.includes(scope)) {
    throw new ApiError("forbidden", `This token lacks the ${scope} permission`, {
      required: scope,
    });
  }
}

export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    assertScope(c.get("caller"), scope);
    await next();
  });
}

// The chain every protected route starts with: who is calling, may they call now, is the
// credential still live, and may it do this.
export function authorize(scope?: Scope) {
  const chain = [verifyBearer, rateLimitByCredential, activeCredential];
  return scope ? [...chain, requireScope(scope)] : chain;
}
