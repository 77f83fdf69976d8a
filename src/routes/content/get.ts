import { createRoute } from "@hono/zod-openapi";
import { authorize } from "../../middleware/authenticate";
import { findContent } from "../../services/content-lookup";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { ContentIdParam, ContentSchema, serializeContent } from "./content-schema";

const route = createRoute({
  method: "get",
  path: "/content/{id}",
  tags: ["Content"],
  summary: "Get one content item",
  security: [{ bearer: [] }],
  middleware: authorize("content:read"),
  request: { params: ContentIdParam },
  responses: {
    200: jsonResponse(ContentSchema, "The content item"),
    ...errorResponses(403, 404),
  },
});

export const getContentRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const row = await findContent(c.get("db"), c.get("caller").workspaceId, id);
  return c.json(serializeContent(row), 200);
});
