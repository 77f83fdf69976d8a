import { createMiddleware } from "hono/factory";
import { readConfig } from "../config";
import type { AppEnv } from "../context";
import { database } from "../db/client";
import { createLogger } from "../logger";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

// Builds the per-request services once and writes the access log line when the
// response is final, whatever happened in between.
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  const logger = createLogger({ request_id: requestId });

  c.set("requestId", requestId);
  c.set("logger", logger);
  c.set("config", readConfig(c.env));
  c.set("db", database(c.env.DB));

  await next();

  c.res.headers.set("X-Request-Id", requestId);
  logger.info("request", {
    method: c.req.method,
    route: c.req.routePath,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Math.round((performance.now() - started) * 100) / 100,
    workspace: c.get("caller")?.workspaceId ?? null,
  });
});
