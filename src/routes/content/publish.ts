import { createRoute, z } from "@hono/zod-openapi";
import { authorize, requireScope } from "../../middleware/authenticate";
import { publishNow } from "../../publishing/publish-now";
import { findContent } from "../../services/content-lookup";
import { errorResponses, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";
import { PostDetail, serializePostDetail } from "../schedule/get";
import { ContentIdParam, ContentSchema, serializeContent } from "./content-schema";

const Publishing = z
  .object({ content: ContentSchema, posts: z.array(PostDetail) })
  .openapi("Publishing");

const route = createRoute({
  method: "post",
  path: "/content/{id}/publish",
  tags: ["Content"],
  summary: "Publish now on every platform of the content, through the publishing queue",
  description:
    "Answers 202 with the posts as they are (queued): the content becomes `published` only " +
    "once every platform has accepted it. Follow each post with GET /schedule/{id}.",
  security: [{ bearer: [] }],
  // Publishing creates posts: it needs schedule:write as well as content:write.
  middleware: [...authorize("content:write"), requireScope("schedule:write")],
  request: { params: ContentIdParam },
  responses: {
    202: jsonResponse(Publishing, "The posts are on their way"),
    ...errorResponses(403, 404, 409, 422),
  },
});

export const publishContentRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const { workspaceId } = c.get("caller");
  const db = c.get("db");
  const row = await findContent(db, workspaceId, id);
  const result = await publishNow(db, c.env, c.get("logger"), workspaceId, row);
  return c.json(
    { content: serializeContent(result.content), posts: result.posts.map(serializePostDetail) },
    202,
  );
});
