import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, isNull } from "drizzle-orm";
import { accounts } from "../../db/schema";
import { authorize } from "../../middleware/authenticate";
import { PLATFORMS } from "../../platforms/supported";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { AccountSchema, serializeAccount } from "./account-schema";

const route = createRoute({
  method: "get",
  path: "/accounts",
  tags: ["Accounts"],
  summary: "List connected accounts (never their credentials)",
  security: [{ bearer: [] }],
  middleware: authorize("accounts:read"),
  request: { query: z.object({ platform: z.enum(PLATFORMS).optional() }) },
  responses: {
    200: jsonResponse(z.object({ accounts: z.array(AccountSchema) }), "Connected accounts"),
    ...errorResponses(400, 403),
  },
});

// A workspace connects a handful of accounts, so the list is not paginated.
export const listAccountsRoute = createRouter().openapi(route, async (c) => {
  const { platform } = c.req.valid("query");
  const { workspaceId } = c.get("caller");
  const filters = [eq(accounts.workspaceId, workspaceId), isNull(accounts.deletedAt)];
  if (platform) filters.push(eq(accounts.platform, platform));
  const rows = await c
    .get("db")
    .select()
    .from(accounts)
    .where(and(...filters))
    .orderBy(asc(accounts.platform), asc(accounts.createdAt))
    .limit(500);
  return c.json({ accounts: rows.map(serializeAccount) }, 200);
});
