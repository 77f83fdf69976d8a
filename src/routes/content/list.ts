import { createRoute, z } from "@hono/zod-openapi";
import { and, count, desc, eq, isNull, type SQL, sql } from "drizzle-orm";
import { content } from "../../db/schema";
import { authorize } from "../../middleware/authenticate";
import { PLATFORMS } from "../../platforms/supported";
import { CONTENT_STATUSES } from "../../services/content-status";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { likePattern, PageQuery, PaginationSchema } from "../query-params";
import { createRouter } from "../router";
import { ContentSchema, serializeContent } from "./content-schema";

const ListQuery = z.object({
  ...PageQuery,
  status: z.enum(CONTENT_STATUSES).optional(),
  platform: z.enum(PLATFORMS).optional(),
  q: z.string().min(1).max(200).optional().openapi({ description: "Text the title contains" }),
});

const ListResponse = z
  .object({ data: z.array(ContentSchema), pagination: PaginationSchema })
  .openapi("ContentList");

const route = createRoute({
  method: "get",
  path: "/content",
  tags: ["Content"],
  summary: "List content, newest first",
  security: [{ bearer: [] }],
  middleware: authorize("content:read"),
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(ListResponse, "One page of content and the total that matches"),
    ...errorResponses(400, 403),
  },
});

export const listContentRoute = createRouter().openapi(route, async (c) => {
  const { page, per_page, status, platform, q } = c.req.valid("query");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");

  const filters: SQL[] = [eq(content.workspaceId, workspaceId), isNull(content.deletedAt)];
  if (status) filters.push(eq(content.status, status));
  if (platform) {
    filters.push(
      sql`exists (select 1 from json_each(${content.platforms}) where value = ${platform})`,
    );
  }
  if (q) filters.push(sql`${content.title} like ${likePattern(q)} escape '\\'`);
  const where = and(...filters);

  // One round trip for the page and its total; both walk the workspace's index range only.
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(content)
      .where(where)
      .orderBy(desc(content.createdAt), desc(content.id))
      .limit(per_page)
      .offset((page - 1) * per_page),
    db.select({ total: count() }).from(content).where(where),
  ]);

  return c.json(
    {
      data: rows.map(serializeContent),
      pagination: { page, per_page, total: totals[0]?.total ?? 0 },
    },
    200,
  );
});
