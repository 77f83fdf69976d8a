import { PlatformError, type PublishContext } from "./adapter";
import { classifyNetworkError, classifyResponse } from "./classify-response";
import type { Platform } from "./supported";

// Joins the configured base URL (with or without a trailing slash) and a path.
export function platformUrl(
  ctx: Pick<PublishContext, "baseUrl">,
  path: string,
  query?: Record<string, string>,
): string {
  const url = `${ctx.baseUrl.replace(/\/+$/, "")}${path}`;
  return query ? `${url}?${new URLSearchParams(query)}` : url;
}

// Every platform call goes through here: the context's fetch, a deadline, and one
// classification of what went wrong, so adapters only handle the happy path.
export async function callPlatform(
  platform: Platform,
  ctx: PublishContext,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  let res: Response;
  try {
    // Redirects are not followed: a webhook endpoint could otherwise bounce our request to an
    // address it may not be sent to.
    res = await ctx.fetch(url, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
  } catch (error) {
    throw classifyNetworkError(platform, error, ctx.timeoutMs);
  }
  if (!res.ok) throw await classifyResponse(platform, res, ctx.now());
  return res;
}

// A 2xx whose body cannot be read may still mean the platform acted, so the caller decides
// what a missing body means; only the read itself failing is a network problem.
export async function readJson(
  platform: Platform,
  res: Response,
  timeoutMs: number,
): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    throw classifyNetworkError(platform, error, timeoutMs);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function stringField(value: unknown, key: string): string | null {
  if (!value || typeof value !== "object") return null;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" && field !== "" ? field : null;
}

export function countField(value: unknown, key: string): number {
  if (!value || typeof value !== "object") return 0;
  const field = Number((value as Record<string, unknown>)[key]);
  return Number.isFinite(field) && field >= 0 ? field : 0;
}

export function missingField(platform: string, what: string, status: number): PlatformError {
  // Retrying could publish twice when the platform did act, so this is not transient.
  return new PlatformError("permanent", `${platform} answered ${status} without ${what}`, status);
}

// Credentials are checked when an account connects; one that no longer fits needs reconnecting.
export function readCredentials<T>(
  label: string,
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  ctx: Pick<PublishContext, "credentials">,
): T {
  const parsed = schema.safeParse(ctx.credentials);
  if (!parsed.success) {
    throw new PlatformError("auth", `The connected ${label} account's credentials are incomplete`);
  }
  return parsed.data;
}
