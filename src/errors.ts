import type { ContentfulStatusCode } from "hono/utils/http-status";

// The closed list of error codes the API answers with. The OpenAPI error responses and
// every thrown error derive from this table, so code and docs cannot disagree.
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  invalid_query: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type FieldIssue = { field: string; message: string };

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    details: unknown = null,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, details: unknown, requestId: string) {
  return { error: { code, message, details }, request_id: requestId };
}

export function notFound(what: string): ApiError {
  return new ApiError("not_found", `${what} not found`);
}

// Names each bad field, once in the message and one by one in details.fields.
export function validationFailed(issues: FieldIssue[]): ApiError {
  const fields = [...new Set(issues.map((i) => i.field))].join(", ");
  return new ApiError("validation_failed", `Invalid value for: ${fields}`, { fields: issues });
}

export function fieldError(field: string, message: string): ApiError {
  return validationFailed([{ field, message }]);
}
