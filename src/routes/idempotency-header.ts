import { z } from "@hono/zod-openapi";

// Documents the header in OpenAPI; the middleware in src/middleware/idempotency.ts acts on it.
export const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description: "Replays the first response for 24 h when a POST is retried with the same key",
    }),
});
