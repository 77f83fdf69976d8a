import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { handleError } from "./middleware/error-handler";
import { notFoundOrMethodNotAllowed } from "./middleware/method-not-allowed";
import { requestContext } from "./middleware/request-context";
import { connectAccountRoute } from "./routes/accounts/connect";
import { disconnectAccountRoute } from "./routes/accounts/disconnect";
import { listAccountsRoute } from "./routes/accounts/list";
import { updateAccountRoute } from "./routes/accounts/update";
import { ingestMetricsRoute } from "./routes/analytics/ingest";
import { performanceRoute } from "./routes/analytics/performance";
import { trendsRoute } from "./routes/analytics/trends";
import { tokenRoute } from "./routes/auth/token";
import { verifyRoute } from "./routes/auth/verify";
import { createContentRoute } from "./routes/content/create";
import { deleteContentRoute } from "./routes/content/delete";
import { getContentRoute } from "./routes/content/get";
import { listContentRoute } from "./routes/content/list";
import { publishContentRoute } from "./routes/content/publish";
import { updateContentRoute } from "./routes/content/update";
import { createRouter } from "./routes/router";
import { cancelScheduledPostRoute } from "./routes/schedule/cancel";
import { createScheduleRoute } from "./routes/schedule/create";
import { getScheduledPostRoute } from "./routes/schedule/get";
import { listScheduleRoute } from "./routes/schedule/list";
import { inviteRoute } from "./routes/team/invite";
import { membersRoute } from "./routes/team/members";

const MAX_BODY_BYTES = 1024 * 1024;

const RATE_LIMIT_HEADERS = [
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "RateLimit",
  "RateLimit-Policy",
  "Retry-After",
  "X-Request-Id",
];

function buildApi() {
  const api = createRouter();
  for (const router of [
    tokenRoute,
    verifyRoute,
    listContentRoute,
    createContentRoute,
    getContentRoute,
    updateContentRoute,
    deleteContentRoute,
    listScheduleRoute,
    createScheduleRoute,
    performanceRoute,
    trendsRoute,
    ingestMetricsRoute,
    membersRoute,
    inviteRoute,
    listAccountsRoute,
    connectAccountRoute,
    updateAccountRoute,
    disconnectAccountRoute,
    getScheduledPostRoute,
    cancelScheduledPostRoute,
    publishContentRoute,
  ]) {
    api.route("/", router);
  }

  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  return api;
}

export function createApp() {
  // Not strict: /content/ is the same resource as /content.
  const app = new OpenAPIHono<AppEnv>({ strict: false });
  const api = buildApi();
  const openapi = api.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Momentik API",
      version: "1.0.0",
      description: "Content, scheduling, analytics and team management for social-media teams.",
    },
    servers: [{ url: "/v1" }],
  });

  app.use("*", requestContext);
  app.use(
    "*",
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
      exposeHeaders: RATE_LIMIT_HEADERS,
      maxAge: 86400,
    }),
  );
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError("payload_too_large", "Request body exceeds 1 MB");
      },
    }),
  );
  app.onError(handleError);

  app.get("/openapi.json", (c) => c.json(openapi));
  app.get("/v1/openapi.json", (c) => c.json(openapi));
  // The documented base URL is /v1; the docs' curl examples omit it, so both answer.
  app.route("/v1", api);
  app.route("/", api);

  app.notFound(notFoundOrMethodNotAllowed(app.routes));
  return app;
}
