import { z } from "@hono/zod-openapi";
import { ERROR_STATUS, type ErrorCode } from "../errors";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.unknown(),
    }),
    request_id: z.string(),
  })
  .openapi("Error");

const DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON or query parameters",
  401: "Missing, invalid or expired token",
  403: "The token lacks the permission this operation needs",
  404: "No such resource in this workspace",
  409: "The change conflicts with the resource's current state",
  413: "Body over 1 MB",
  415: "Body is not application/json",
  422: "A field failed validation; details name each field",
  429: "Rate limit exceeded; see Retry-After",
};

// The error responses a route documents, built from the same code table the handlers use.
export function errorResponses(...statuses: (keyof typeof DESCRIPTIONS)[]) {
  const all = [401, 429, ...statuses];
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: ErrorSchema } },
      },
    ]),
  );
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}
