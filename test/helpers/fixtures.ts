import { env, exports } from "cloudflare:workers";
import { SCOPES } from "../../src/auth/scopes";
import { sha256Hex } from "../../src/auth/secret-hash";
import { newId, randomToken } from "../../src/ids";

export type Workspace = {
  workspaceId: string;
  userId: string;
  keyId: string;
  apiKey: string;
  secret: string;
  token: string;
};

type WorkspaceOptions = {
  scopes?: readonly string[];
  role?: string;
  email?: string;
};

// A workspace with one member and one API key, written straight into D1, and a token
// obtained through the real /auth/token endpoint.
export async function createWorkspace(options: WorkspaceOptions = {}): Promise<Workspace> {
  const scopes = options.scopes ?? SCOPES;
  const now = Date.now();
  const workspaceId = newId("wsp");
  const userId = newId("usr");
  const keyId = newId("key");
  const apiKey = `mk_test_${randomToken(24)}`;
  const secret = `sk_test_${randomToken(40)}`;
  const email = options.email ?? `${randomToken(8)}@example.test`;

  await env.DB.batch([
    env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)").bind(
      workspaceId,
      "Test workspace",
      now,
    ),
    env.DB.prepare("INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?)").bind(
      userId,
      email,
      "Test Owner",
      now,
    ),
    env.DB.prepare(
      "INSERT INTO memberships (workspace_id, user_id, role, permissions, created_at) VALUES (?, ?, ?, ?, ?)",
    ).bind(workspaceId, userId, options.role ?? "owner", JSON.stringify(scopes), now),
    env.DB.prepare(
      "INSERT INTO api_keys (id, workspace_id, user_id, public_key, secret_hash, name, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).bind(keyId, workspaceId, userId, apiKey, await sha256Hex(secret), "test", JSON.stringify(scopes), now),
  ]);

  const token = await issueToken(apiKey, secret);
  return { workspaceId, userId, keyId, apiKey, secret, token };
}

export async function issueToken(apiKey: string, secret: string): Promise<string> {
  const res = await api("/auth/token", { method: "POST", body: { api_key: apiKey, secret } });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

type ApiOptions = {
  method?: string;
  token?: string;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
};

export function api(path: string, options: ApiOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const url = path.startsWith("http") ? path : `https://api.momentik.test/v1${path}`;
  return exports.default.fetch(new Request(url, { method: options.method ?? "GET", headers, body }));
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export function inHours(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000).toISOString();
}
