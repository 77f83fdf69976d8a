import { and, eq, isNull, lt, or } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { sha256Hex } from "../auth/secret-hash";
import type { AppEnv } from "../context";
import { idempotencyKeys } from "../db/schema";
import { ApiError } from "../errors";

const KEY = /^[\x21-\x7e]{1,255}$/;
// A key can be reused for a different request after this long.
const RETENTION_MS = 24 * 60 * 60 * 1000;
// A request still unanswered after this long is taken to have died.
const IN_FLIGHT_MS = 120_000;

// `Idempotency-Key` on a POST makes a retry safe: the first request's response is stored and
// replayed for the same key and body; a different body under the same key is refused; a
// retry that arrives while the first is still running gets 409 rather than running twice.
export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (!KEY.test(key)) {
    throw new ApiError("bad_request", "Idempotency-Key must be 1 to 255 visible ASCII characters");
  }

  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const now = Date.now();
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const where = and(eq(idempotencyKeys.workspaceId, workspaceId), eq(idempotencyKeys.key, key));

  const reserved = await db
    .insert(idempotencyKeys)
    .values({ workspaceId, key, requestHash, createdAt: now })
    .onConflictDoUpdate({
      target: [idempotencyKeys.workspaceId, idempotencyKeys.key],
      set: { requestHash, status: null, body: null, createdAt: now },
      // Expired keys are reused; so is a reservation whose request died before it answered.
      setWhere: or(
        lt(idempotencyKeys.createdAt, now - RETENTION_MS),
        and(isNull(idempotencyKeys.status), lt(idempotencyKeys.createdAt, now - IN_FLIGHT_MS)),
      ),
    })
    .returning({ key: idempotencyKeys.key });

  if (reserved.length === 0) {
    const earlier = await db.select().from(idempotencyKeys).where(where).get();
    if (!earlier || earlier.requestHash !== requestHash) {
      throw new ApiError(
        "validation_failed",
        "This Idempotency-Key was already used with a different request",
        { fields: [{ field: "Idempotency-Key", message: "reused with another body or path" }] },
      );
    }
    if (earlier.status === null || earlier.body === null) {
      throw new ApiError("conflict", "A request with this Idempotency-Key is still in progress");
    }
    return c.body(earlier.body, earlier.status as 200, {
      "Content-Type": "application/json",
      "Idempotent-Replayed": "true",
    });
  }

  await next();

  // Only this request's own reservation is finished or released: one taken over by a retry
  // (after IN_FLIGHT_MS) belongs to that retry now.
  const mine = and(where, eq(idempotencyKeys.createdAt, now), isNull(idempotencyKeys.status));
  // A server error or a conflict may succeed on retry, so it releases the key instead of
  // pinning the failure.
  if (c.res.status >= 500 || c.res.status === 409) {
    await db.delete(idempotencyKeys).where(mine);
    return;
  }
  const body = await c.res.clone().text();
  await db.update(idempotencyKeys).set({ status: c.res.status, body }).where(mine);
});
