import { createRoute, z } from "@hono/zod-openapi";
import { authorize } from "../../middleware/authenticate";
import { toIso } from "../../time";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";

const VerifyResponse = z
  .object({
    valid: z.literal(true),
    user_id: z.string().openapi({ example: "usr_123" }),
    workspace_id: z.string(),
    permissions: z.array(z.string()).openapi({ example: ["content:read", "analytics:read"] }),
    expires_at: z.string(),
  })
  .openapi("VerifyResponse");

const route = createRoute({
  method: "get",
  path: "/auth/verify",
  tags: ["Authentication"],
  summary: "Verify a token and show what it may do",
  security: [{ bearer: [] }],
  middleware: authorize(),
  responses: {
    200: jsonResponse(VerifyResponse, "The token is valid"),
    ...errorResponses(),
  },
});

// An invalid token never reaches this handler: authentication answers 401 first.
export const verifyRoute = createRouter().openapi(route, (c) => {
  const caller = c.get("caller");
  return c.json(
    {
      valid: true as const,
      user_id: caller.userId,
      workspace_id: caller.workspaceId,
      permissions: caller.scopes,
      expires_at: toIso(caller.expiresAt),
    },
    200,
  );
});
