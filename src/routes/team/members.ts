import { createRoute, z } from "@hono/zod-openapi";
import { asc, count, eq } from "drizzle-orm";
import { memberships, users } from "../../db/schema";
import { authorize } from "../../middleware/authenticate";
import { toIso } from "../../time";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { PageQuery, PaginationSchema } from "../query-params";
import { createRouter } from "../router";

const Member = z
  .object({
    id: z.string().openapi({ example: "usr_123" }),
    name: z.string().openapi({ example: "Sarah Johnson" }),
    email: z.string(),
    role: z.string().openapi({ example: "content_manager" }),
    permissions: z.array(z.string()).openapi({ example: ["content:write", "analytics:read"] }),
    joined_at: z.string(),
  })
  .openapi("Member");

const route = createRoute({
  method: "get",
  path: "/team/members",
  tags: ["Teams"],
  summary: "List the workspace's members, earliest first",
  security: [{ bearer: [] }],
  middleware: authorize("team:read"),
  request: { query: z.object(PageQuery) },
  responses: {
    200: jsonResponse(
      z.object({ members: z.array(Member), pagination: PaginationSchema }),
      "One page of members",
    ),
    ...errorResponses(400, 403),
  },
});

export const membersRoute = createRouter().openapi(route, async (c) => {
  const { page, per_page } = c.req.valid("query");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const inWorkspace = eq(memberships.workspaceId, workspaceId);

  const [rows, totals] = await db.batch([
    db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: memberships.role,
        permissions: memberships.permissions,
        createdAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(inWorkspace)
      .orderBy(asc(memberships.createdAt), asc(users.id))
      .limit(per_page)
      .offset((page - 1) * per_page),
    db.select({ total: count() }).from(memberships).where(inWorkspace),
  ]);

  return c.json(
    {
      members: rows.map((r) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        role: r.role,
        permissions: r.permissions,
        joined_at: toIso(r.createdAt),
      })),
      pagination: { page, per_page, total: totals[0]?.total ?? 0 },
    },
    200,
  );
});
