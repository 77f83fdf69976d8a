import { beforeAll, describe, expect, it } from "vitest";
import { api, json } from "./helpers/fixtures";

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
};
type Operation = {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
};

// Every operation of the public docs, with the fields its documented answer shows.
const DOCUMENTED: [string, string, string, string[]][] = [
  ["post", "/auth/token", "200", ["access_token", "token_type", "expires_in"]],
  ["get", "/auth/verify", "200", ["valid", "user_id", "permissions"]],
  ["get", "/content", "200", ["data", "pagination"]],
  ["post", "/content", "201", ["id", "title", "status", "created_at"]],
  ["put", "/content/{id}", "200", ["id", "title", "status", "updated_at"]],
  ["delete", "/content/{id}", "200", ["success", "message"]],
  ["get", "/analytics/performance", "200", ["engagement_rate", "reach", "impressions", "clicks"]],
  ["get", "/analytics/trends", "200", ["trending_topics", "trending_hashtags"]],
  ["get", "/schedule", "200", ["scheduled_posts"]],
  ["post", "/schedule", "201", ["schedule_id", "status", "platforms"]],
  ["get", "/team/members", "200", ["members"]],
  ["post", "/team/invite", "201", ["invitation_id", "status", "expires_at"]],
];

let doc: Document;

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(target);
}

beforeAll(async () => {
  const res = await api("/openapi.json");
  expect(res.status).toBe(200);
  doc = await json<Document>(res);
});

describe("GET /openapi.json", () => {
  it("answers without a token with an OpenAPI 3.1.0 document", async () => {
    const res = await api("https://api.momentik.test/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = await json<Document>(res);
    expect(body.openapi).toBe("3.1.0");
    expect(body.info.title).toBe("Momentik API");
    expect(body.servers).toEqual([{ url: "/v1" }]);
  });

  it("is also served under /v1", async () => {
    const res = await api("/openapi.json");
    expect(res.status).toBe(200);
    expect((await json<Document>(res)).openapi).toBe("3.1.0");
  });

  it("describes every documented path", () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/auth/token",
        "/auth/verify",
        "/content",
        "/content/{id}",
        "/schedule",
        "/analytics/performance",
        "/analytics/trends",
        "/team/members",
        "/team/invite",
      ]),
    );
  });

  it.each(DOCUMENTED)(
    "documents %s %s with the fields the docs show",
    (method, path, status, fields) => {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      const schema = operation?.responses[status]?.content?.["application/json"]?.schema;
      expect(schema, `${method} ${path} ${status}`).toBeDefined();
      const properties = Object.keys(resolve(schema as Schema).properties ?? {});
      expect(properties).toEqual(expect.arrayContaining(fields));
    },
  );

  it("documents the fields of a listed content item and a scheduled post", () => {
    const list = resolve(
      doc.paths["/content"]?.get?.responses["200"]?.content?.["application/json"]?.schema as Schema,
    );
    const item = resolve(resolve(list.properties?.data as Schema).items as Schema);
    expect(Object.keys(item.properties ?? {})).toEqual(
      expect.arrayContaining(["id", "title", "status", "platforms", "created_at"]),
    );
    const pagination = resolve(list.properties?.pagination as Schema);
    expect(Object.keys(pagination.properties ?? {})).toEqual(
      expect.arrayContaining(["page", "per_page", "total"]),
    );

    const posts = resolve(
      doc.paths["/schedule"]?.get?.responses["200"]?.content?.["application/json"]
        ?.schema as Schema,
    );
    const post = resolve(resolve(posts.properties?.scheduled_posts as Schema).items as Schema);
    expect(Object.keys(post.properties ?? {})).toEqual(
      expect.arrayContaining(["id", "content_id", "platform", "scheduled_at", "status"]),
    );
  });

  it("marks every operation but the token exchange as needing a bearer token", () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    for (const [method, path] of DOCUMENTED) {
      const operation = doc.paths[path]?.[method];
      if (path === "/auth/token") continue;
      expect(operation?.security, `${method} ${path}`).toEqual([{ bearer: [] }]);
    }
  });

  it("documents the error envelope for unauthenticated calls", () => {
    const operation = doc.paths["/content"]?.get;
    const schema = resolve(
      operation?.responses["401"]?.content?.["application/json"]?.schema as Schema,
    );
    expect(Object.keys(schema.properties ?? {})).toEqual(["error", "request_id"]);
  });
});
