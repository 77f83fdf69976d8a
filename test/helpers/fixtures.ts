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
  // Platforms to connect an account for; every platform unless told otherwise.
  accounts?: readonly string[];
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
    ).bind(
      keyId,
      workspaceId,
      userId,
      apiKey,
      await sha256Hex(secret),
      "test",
      JSON.stringify(scopes),
      now,
    ),
  ]);

  const token = await issueToken(apiKey, secret);
  const ws = { workspaceId, userId, keyId, apiKey, secret, token };
  await connectAccounts(ws, options.accounts);
  return ws;
}

export async function issueToken(apiKey: string, secret: string): Promise<string> {
  const res = await api("/auth/token", { method: "POST", body: { api_key: apiKey, secret } });
  if (res.status !== 200)
    throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
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
  return exports.default.fetch(
    new Request(url, { method: options.method ?? "GET", headers, body }),
  );
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export function inHours(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000).toISOString();
}

export type ConnectedAccount = {
  id: string;
  platform: string;
  credentials: Record<string, string>;
};

export const TEST_CREDENTIALS: Record<string, Record<string, string>> = {
  twitter: { access_token: "x-token" },
  linkedin: { access_token: "li-token", author_urn: "urn:li:organization:1000001" },
  instagram: { access_token: "ig-token", ig_user_id: "17841400000000001" },
  webhook: {
    url: "https://standin.test/webhook/momentik",
    signing_secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  },
};

// Connects accounts straight in D1, sealed the way the API seals them; the first of each
// platform becomes its default.
export async function connectAccounts(
  ws: Workspace,
  platforms: readonly string[] = ["twitter", "linkedin", "instagram", "webhook"],
  options: { isDefault?: boolean; status?: string } = {},
): Promise<ConnectedAccount[]> {
  const { seal } = await import("../../src/crypto/credential-box");
  const now = Date.now();
  const out: ConnectedAccount[] = [];
  for (const platform of platforms) {
    const id = newId("acc");
    const credentials = TEST_CREDENTIALS[platform] ?? {};
    const sealed = await seal(env.CREDENTIAL_KEYS, `${ws.workspaceId}/${id}`, credentials);
    await env.DB.prepare(
      "INSERT INTO accounts (id, workspace_id, platform, name, credentials_ciphertext, credentials_iv, credentials_key_id, status, is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(
        id,
        ws.workspaceId,
        platform,
        `${platform} account`,
        sealed.ciphertext,
        sealed.iv,
        sealed.keyId,
        options.status ?? "active",
        options.isDefault === false ? 0 : 1,
        now,
        now,
      )
      .run();
    out.push({ id, platform, credentials });
  }
  return out;
}
