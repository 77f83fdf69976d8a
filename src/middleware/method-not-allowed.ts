import type { Context } from "hono";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { handleError } from "./error-handler";

type RouteInfo = { method: string; path: string };
type Matcher = { pattern: RegExp; method: string };

let matchers: Matcher[] | null = null;

function compile(routes: readonly RouteInfo[]): Matcher[] {
  return routes
    .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => {
      const source = r.path
        .split("/")
        .map((part) =>
          part.startsWith(":") ? "[^/]+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
        )
        .join("/");
      return { pattern: new RegExp(`^${source}/?$`), method: r.method };
    });
}

// Hono answers 404 for a known path with an unrouted method; the HTTP contract is 405
// with the methods that do exist, so unmatched requests are checked against the table.
export function notFoundOrMethodNotAllowed(routes: readonly RouteInfo[]) {
  return (c: Context<AppEnv>): Response => {
    matchers ??= compile(routes);
    const allowed = new Set<string>();
    for (const m of matchers) if (m.pattern.test(c.req.path)) allowed.add(m.method);
    if (allowed.size > 0) {
      if (allowed.has("GET")) allowed.add("HEAD");
      allowed.add("OPTIONS");
      const allow = [...allowed].sort().join(", ");
      const err = new ApiError(
        "method_not_allowed",
        `${c.req.method} is not allowed here; use ${allow}`,
        { allowed: [...allowed].sort() },
        { Allow: allow },
      );
      return handleError(err, c);
    }
    return handleError(new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}`), c);
  };
}
