import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import { randomSecret, seal } from "../../crypto/credential-box";
import { isUniqueViolation } from "../../db/constraint-errors";
import { accounts } from "../../db/schema";
import { newId } from "../../ids";
import { authorize } from "../../middleware/authenticate";
import { PLATFORMS } from "../../platforms/supported";
import { checkCredentials } from "../../services/account-credentials";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { AccountSchema, serializeAccount } from "./account-schema";

const ConnectAccount = z
  .strictObject({
    platform: z.enum(PLATFORMS),
    name: z.string().trim().min(1).max(100).openapi({ example: "Brand X account" }),
    credentials: z
      .record(z.string().max(64), z.string().max(4096))
      .refine((c) => Object.keys(c).length <= 20, "has too many entries")
      .openapi({ example: { access_token: "…" } }),
  })
  .openapi("ConnectAccount");

const Connected = AccountSchema.extend({
  signing_secret: z
    .string()
    .optional()
    .openapi({ description: "Webhook accounts only: the signing secret, shown once" }),
}).openapi("ConnectedAccount");

const route = createRoute({
  method: "post",
  path: "/accounts",
  tags: ["Accounts"],
  summary: "Connect a platform account; credentials are encrypted at rest and never shown",
  security: [{ bearer: [] }],
  // No Idempotency-Key here: its stored replay would keep a webhook's signing secret in clear.
  middleware: authorize("accounts:write"),
  request: { body: jsonBody(ConnectAccount) },
  responses: {
    201: jsonResponse(Connected, "The connected account"),
    ...errorResponses(400, 403, 413, 415, 422),
  },
});

export const connectAccountRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const now = Date.now();

  const credentials = { ...body.credentials };
  let shownSecret: string | undefined;
  if (body.platform === "webhook" && !credentials.signing_secret) {
    shownSecret = `whsec_${randomSecret(24)}`;
    credentials.signing_secret = shownSecret;
  }
  const checked = checkCredentials(c.env, body.platform, credentials);

  const hasDefault = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(
      and(
        eq(accounts.workspaceId, workspaceId),
        eq(accounts.platform, body.platform),
        eq(accounts.isDefault, true),
        isNull(accounts.deletedAt),
      ),
    )
    .get();

  const id = newId("acc");
  const sealed = await seal(c.env.CREDENTIAL_KEYS, `${workspaceId}/${id}`, checked);
  const row = {
    id,
    workspaceId,
    platform: body.platform,
    name: body.name,
    credentialsCiphertext: sealed.ciphertext,
    credentialsIv: sealed.iv,
    credentialsKeyId: sealed.keyId,
    status: "active",
    statusReason: null,
    // The first account of a platform is where posts go unless told otherwise.
    isDefault: !hasDefault,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  try {
    await db.insert(accounts).values(row);
  } catch (err) {
    // Another request made the first account of this platform at the same moment.
    if (!row.isDefault || !isUniqueViolation(err)) throw err;
    row.isDefault = false;
    await db.insert(accounts).values(row);
  }

  return c.json({ ...serializeAccount(row), signing_secret: shownSecret }, 201);
});
