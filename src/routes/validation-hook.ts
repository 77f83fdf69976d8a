import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { ApiError, type FieldIssue } from "../errors";

type Issue = { path: PropertyKey[]; message: string; code: string; keys?: string[] };

function toFieldIssues(issues: readonly Issue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String).join(".");
    // Unknown keys are reported one by one, under their own names.
    if (issue.code === "unrecognized_keys" && issue.keys) {
      return issue.keys.map((key) => ({
        field: base ? `${base}.${key}` : key,
        message: "is not a field of this resource, or cannot be written",
      }));
    }
    return [{ field: base || "body", message: issue.message }];
  });
}

// Query problems are a malformed request (400); body problems are well-formed JSON with
// bad values (422). Both name every bad field.
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every shape.
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const fields = toFieldIssues(result.error.issues as Issue[]);
  const names = fields.map((f) => f.field).join(", ");
  // A path id that cannot exist (too long, say) is simply not found.
  if (result.target === "param") throw new ApiError("not_found", "Not found");
  if (result.target === "query") {
    throw new ApiError("invalid_query", `Invalid query parameter: ${names}`, { fields });
  }
  throw new ApiError("validation_failed", `Invalid value for: ${names}`, { fields });
};
