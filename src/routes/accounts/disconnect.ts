import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, isNull, ne } from "drizzle-orm";
import { accounts } from "../../db/schema";
import { authorize } from "../../middleware/authenticate";
import { findAccount } from "../../services/account-lookup";
import type { Statement } from "../../services/schedule-writes";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { AccountIdParam } from "./account-schema";

const route = createRoute({
  method: "delete",
  path: "/accounts/{id}",
  tags: ["Accounts"],
  summary: "Disconnect an account; its credentials are erased",
  security: [{ bearer: [] }],
  middleware: authorize("accounts:write"),
  request: { params: AccountIdParam },
  responses: {
    200: jsonResponse(z.object({ success: z.literal(true), message: z.string() }), "Disconnected"),
    ...errorResponses(403, 404),
  },
});

export const disconnectAccountRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const current = await findAccount(db, workspaceId, id);
  const now = Date.now();

  // The row stays (posts point at it) but its secrets do not; posts still waiting on it fail
  // at send time with a reason that says the account was disconnected.
  const statements: Statement[] = [
    db
      .update(accounts)
      .set({
        deletedAt: now,
        isDefault: false,
        credentialsCiphertext: "",
        credentialsIv: "",
        updatedAt: now,
      })
      .where(and(eq(accounts.id, id), eq(accounts.workspaceId, workspaceId))),
  ];
  if (current.isDefault) {
    const successor = await db
      .select({ id: accounts.id })
      .from(accounts)
      .where(
        and(
          eq(accounts.workspaceId, workspaceId),
          eq(accounts.platform, current.platform),
          eq(accounts.status, "active"),
          ne(accounts.id, id),
          isNull(accounts.deletedAt),
        ),
      )
      .orderBy(asc(accounts.createdAt))
      .get();
    if (successor) {
      statements.push(
        db
          .update(accounts)
          .set({ isDefault: true, updatedAt: now })
          .where(and(eq(accounts.id, successor.id), eq(accounts.workspaceId, workspaceId))),
      );
    }
  }
  await db.batch(statements as [Statement, ...Statement[]]);
  return c.json({ success: true as const, message: "Account disconnected" }, 200);
});
