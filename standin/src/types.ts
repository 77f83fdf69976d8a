// What the stand-in's platform modules see of a request, with the platform prefix removed.
export type StandinRequest = {
  method: string;
  // Path after the platform prefix, e.g. "/2/tweets" for "/x/2/tweets".
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: string;
};

export type PlatformStandin = {
  handle(request: StandinRequest): Response;
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function bearerToken(headers: Headers): string | null {
  const match = /^Bearer (\S+)$/.exec(headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

export function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
