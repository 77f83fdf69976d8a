import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { intersect } from "../../auth/scopes";
import { constantTimeEqual, sha256Hex } from "../../auth/secret-hash";
import { issueToken } from "../../auth/tokens";
import { requireSigningSecret } from "../../config";
import { apiKeys, memberships } from "../../db/schema";
import { ApiError } from "../../errors";
import { rateLimitByAddress } from "../../middleware/rate-limit";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";

const TokenRequest = z
  .strictObject({
    api_key: z.string().min(1).max(200).openapi({ example: "mk_live_abc123" }),
    secret: z.string().min(1).max(200).openapi({ example: "sk_live_def456" }),
  })
  .openapi("TokenRequest");

const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
  })
  .openapi("TokenResponse");

const route = createRoute({
  method: "post",
  path: "/auth/token",
  tags: ["Authentication"],
  summary: "Exchange an API key and secret for an access token",
  middleware: [rateLimitByAddress] as const,
  request: { body: jsonBody(TokenRequest) },
  responses: {
    200: jsonResponse(TokenResponse, "A bearer token valid for expires_in seconds"),
    ...errorResponses(400, 415, 422),
  },
});

// Compared against when the key does not exist, so a wrong key costs the same as a wrong
// secret and the two cannot be told apart by timing.
const DUMMY_HASH = "0".repeat(64);

export const tokenRoute = createRouter().openapi(route, async (c) => {
  const { api_key, secret } = c.req.valid("json");
  const db = c.get("db");
  const signingSecret = requireSigningSecret(c.env);

  const row = await db
    .select({
      id: apiKeys.id,
      workspaceId: apiKeys.workspaceId,
      userId: apiKeys.userId,
      secretHash: apiKeys.secretHash,
      scopes: apiKeys.scopes,
      revokedAt: apiKeys.revokedAt,
      permissions: memberships.permissions,
    })
    .from(apiKeys)
    .leftJoin(
      memberships,
      and(eq(memberships.workspaceId, apiKeys.workspaceId), eq(memberships.userId, apiKeys.userId)),
    )
    .where(eq(apiKeys.publicKey, api_key))
    .limit(1)
    .get();

  const presented = await sha256Hex(secret);
  const matches = constantTimeEqual(presented, row?.secretHash ?? DUMMY_HASH);
  if (!row || !matches || row.revokedAt !== null || !row.permissions) {
    throw new ApiError("unauthorized", "Invalid API key or secret");
  }

  const config = c.get("config");
  const token = await issueToken(
    {
      workspaceId: row.workspaceId,
      userId: row.userId,
      keyId: row.id,
      scopes: intersect(row.scopes, row.permissions),
    },
    signingSecret,
    config,
  );
  return c.json(
    { access_token: token, token_type: "Bearer" as const, expires_in: config.tokenTtlSeconds },
    200,
    { "Cache-Control": "no-store" },
  );
});
