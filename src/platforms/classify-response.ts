import { PlatformError } from "./adapter";
import type { Platform } from "./supported";

// How each platform is named in the messages a user reads.
const LABELS: Record<Platform, string> = {
  twitter: "X",
  linkedin: "LinkedIn",
  instagram: "Instagram",
  webhook: "The webhook endpoint",
};

// Graph API codes whose documented recovery is "wait and retry": downtime and throttling.
const GRAPH_TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);
// Graph API codes that mean the token expired, was revoked or is invalid.
const GRAPH_AUTH_CODES = new Set([102, 190]);
const LINKEDIN_AUTH_CODES = new Set([
  "INVALID_ACCESS_TOKEN",
  "EXPIRED_ACCESS_TOKEN",
  "REVOKED_ACCESS_TOKEN",
]);
const REASON_MAX = 500;
const BODY_EXCERPT = 200;

type Body = { text: string; json: Record<string, unknown> | null };

// Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3).
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

// Tokens travel in Graph API query strings, so nothing that may echo a URL reaches a message.
export function redactSecrets(text: string): string {
  return text.replace(/(access_token=)[^&\s"']+/gi, "$1[redacted]");
}

export function classifyNetworkError(
  platform: Platform,
  error: unknown,
  timeoutMs: number,
): PlatformError {
  if (error instanceof PlatformError) return error;
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return new PlatformError(
      "transient",
      `${LABELS[platform]} did not answer within ${timeoutMs} ms`,
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new PlatformError(
    "transient",
    redactSecrets(`Could not reach ${LABELS[platform]}: ${detail}`),
  );
}

export async function classifyResponse(
  platform: Platform,
  res: Response,
  nowMs: number,
): Promise<PlatformError> {
  const body = await readBody(res);
  const status = res.status;
  const reason = redactSecrets(reasonFor(platform, status, body)).slice(0, REASON_MAX);
  const label = LABELS[platform];

  if (isTransient(platform, status, body)) {
    const retryAfter = retryAfterSeconds(platform, res.headers, nowMs);
    return new PlatformError(
      "transient",
      `${label} answered ${status}: ${reason}`,
      status,
      retryAfter,
    );
  }
  if (isAuthFailure(platform, status, body)) {
    return new PlatformError("auth", `${label} refused the account's token: ${reason}`, status);
  }
  return new PlatformError("permanent", reason, status);
}

async function readBody(res: Response): Promise<Body> {
  let text = "";
  try {
    text = await res.text();
  } catch {
    // A body cut short still leaves the status, which is enough to classify.
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const json = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
    return { text, json };
  } catch {
    return { text, json: null };
  }
}

function isTransient(platform: Platform, status: number, body: Body): boolean {
  if (status === 408 || status === 429 || status >= 500) return true;
  if (platform !== "instagram") return false;
  const error = graphError(body);
  return error?.is_transient === true || GRAPH_TRANSIENT_CODES.has(Number(error?.code));
}

function isAuthFailure(platform: Platform, status: number, body: Body): boolean {
  if (status === 401) return true;
  switch (platform) {
    case "twitter":
      return status === 403 && [body.json?.title, body.json?.detail].some(saysUnauthorized);
    case "linkedin":
      return LINKEDIN_AUTH_CODES.has(String(body.json?.code));
    case "instagram":
      return GRAPH_AUTH_CODES.has(Number(graphError(body)?.code));
    case "webhook":
      return false;
  }
}

function saysUnauthorized(value: unknown): boolean {
  return typeof value === "string" && value.includes("Unauthorized");
}

function reasonFor(platform: Platform, status: number, body: Body): string {
  const fallback = `${status} ${body.text.slice(0, BODY_EXCERPT)}`.trim();
  switch (platform) {
    case "twitter":
      return xReason(body) ?? fallback;
    case "linkedin":
      return text(body.json?.message) ?? fallback;
    case "instagram":
      return text(graphError(body)?.message) ?? fallback;
    case "webhook":
      // Only the status: the endpoint's body is someone else's text, and last_error is shown
      // to everyone who may read the schedule.
      return `The endpoint answered ${status}`;
  }
}

// X puts the general problem in detail/title and the specific one in errors[0].message.
function xReason(body: Body): string | null {
  const errors = body.json?.errors;
  const first = (Array.isArray(errors) ? errors[0] : undefined) as
    | Record<string, unknown>
    | undefined;
  const general = text(body.json?.detail) ?? text(body.json?.title);
  const specific = text(first?.message) ?? text(first?.detail);
  if (general && specific && general !== specific) return `${general} ${specific}`;
  return general ?? specific;
}

function graphError(body: Body): Record<string, unknown> | null {
  const error = body.json?.error;
  return error && typeof error === "object" ? (error as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

function retryAfterSeconds(platform: Platform, headers: Headers, nowMs: number): number | null {
  const retryAfter = parseRetryAfter(headers.get("retry-after"), nowMs);
  if (retryAfter !== null || platform !== "twitter") return retryAfter;
  // X announces the end of a rate-limit window as epoch seconds instead of Retry-After.
  const reset = Number(headers.get("x-rate-limit-reset"));
  if (!Number.isFinite(reset) || reset <= 0) return null;
  return Math.max(0, Math.ceil(reset - nowMs / 1000));
}
