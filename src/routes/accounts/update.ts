import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, isNull, ne } from "drizzle-orm";
import { seal } from "../../crypto/credential-box";
import { accounts } from "../../db/schema";
import { ApiError } from "../../errors";
import { authorize } from "../../middleware/authenticate";
import type { Platform } from "../../platforms/supported";
import { checkCredentials } from "../../services/account-credentials";
import { findAccount } from "../../services/account-lookup";
import type { Statement } from "../../services/schedule-writes";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { AccountIdParam, AccountSchema, serializeAccount } from "./account-schema";

const UpdateAccount = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    default: z
      .literal(true)
      .optional()
      .openapi({ description: "Make this the platform's default" }),
    credentials: z
      .record(z.string().max(64), z.string().max(4096))
      .refine((c) => Object.keys(c).length <= 20, "has too many entries")
      .optional()
      .openapi({ description: "New credentials: re-authorises an account in needs_reauth" }),
  })
  .refine((b) => Object.keys(b).length > 0, "must change at least one field")
  .openapi("UpdateAccount");

const route = createRoute({
  method: "patch",
  path: "/accounts/{id}",
  tags: ["Accounts"],
  summary: "Rename an account, make it its platform's default, or give it new credentials",
  security: [{ bearer: [] }],
  middleware: authorize("accounts:write"),
  request: { params: AccountIdParam, body: jsonBody(UpdateAccount) },
  responses: {
    200: jsonResponse(AccountSchema, "The account after the change"),
    ...errorResponses(400, 403, 404, 413, 415, 422),
  },
});

export const updateAccountRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const current = await findAccount(db, workspaceId, id);
  const now = Date.now();

  // New credentials replace the old ones whole and clear needs_reauth: the person has just
  // authorised the account again.
  const reauthorised = body.credentials
    ? await seal(
        c.env.CREDENTIAL_KEYS,
        `${workspaceId}/${id}`,
        checkCredentials(c.env, current.platform as Platform, body.credentials),
      )
    : null;
  const status = reauthorised ? "active" : current.status;

  const statements: Statement[] = [];
  if (body.default && !current.isDefault) {
    if (status !== "active") {
      throw new ApiError("conflict", "An account that needs re-authorisation cannot be default");
    }
    // Unset the old default first: the unique index allows one default per platform.
    statements.push(
      db
        .update(accounts)
        .set({ isDefault: false, updatedAt: now })
        .where(
          and(
            eq(accounts.workspaceId, workspaceId),
            eq(accounts.platform, current.platform),
            ne(accounts.id, id),
            isNull(accounts.deletedAt),
          ),
        ),
    );
  }
  const next = {
    ...current,
    name: body.name ?? current.name,
    isDefault: body.default ?? current.isDefault,
    status,
    statusReason: reauthorised ? null : current.statusReason,
  };
  statements.push(
    db
      .update(accounts)
      .set({
        name: next.name,
        isDefault: next.isDefault,
        status: next.status,
        statusReason: next.statusReason,
        ...(reauthorised && {
          credentialsCiphertext: reauthorised.ciphertext,
          credentialsIv: reauthorised.iv,
          credentialsKeyId: reauthorised.keyId,
        }),
        updatedAt: now,
      })
      .where(and(eq(accounts.id, id), eq(accounts.workspaceId, workspaceId))),
  );
  await db.batch(statements as [Statement, ...Statement[]]);
  return c.json(serializeAccount({ ...next, updatedAt: now }), 200);
});
