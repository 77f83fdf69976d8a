import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context";
import { ApiError, type ErrorCode, errorBody } from "../errors";

// Hono and its validators throw HTTPException for protocol-level failures; they are
// mapped onto the closed code list so every error has the same envelope.
const HTTP_EXCEPTION_CODES: Record<number, [ErrorCode, string]> = {
  400: ["invalid_json", "Request body is not valid JSON"],
  401: ["unauthorized", "Authentication required"],
  404: ["not_found", "Not found"],
  413: ["payload_too_large", "Request body exceeds 1 MB"],
  415: ["unsupported_media_type", "Send the request body as application/json"],
};

function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const mapped = HTTP_EXCEPTION_CODES[err.status];
    if (mapped) return new ApiError(mapped[0], mapped[1]);
  }
  return null;
}

export function handleError(err: unknown, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? crypto.randomUUID();
  // Set here as well as in requestContext: an error thrown while that middleware builds the
  // request's services never returns to the line that would set it.
  const idHeader = { "X-Request-Id": requestId };
  const known = toApiError(err);
  if (known) {
    return c.json(errorBody(known.code, known.message, known.details, requestId), known.status, {
      ...known.headers,
      ...idHeader,
    });
  }

  // Unknown failures are logged with their stack and answered without it.
  const logger = c.get("logger");
  const detail = err instanceof Error ? { error: err.message, stack: err.stack } : { error: err };
  logger?.error("unhandled error", detail);
  return c.json(
    errorBody("internal_error", "Something went wrong on our side", null, requestId),
    500,
    idHeader,
  );
}
