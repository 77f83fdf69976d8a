import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  SignJWT,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { SCOPES } from "../src/auth/scopes";
import { api, createWorkspace, json, type Workspace } from "./helpers/fixtures";

const ISSUER = "https://api.momentik.ai";
const AUDIENCE = "momentik-api";
const TEST_SECRET = "test-signing-secret-that-is-long-enough-0123456789";

type ErrorEnvelope = {
  error: { code: string; message: string; details: unknown };
  request_id: string;
};

type VerifyBody = {
  valid: boolean;
  user_id: string;
  workspace_id: string;
  permissions: string[];
  expires_at: string;
};

// Token exchanges are limited per client address; each direct call here comes from its own
// documentation address so the shared budget of createWorkspace() is left alone.
let addressSeq = 0;
function exchange(body: unknown, headers: Record<string, string> = {}, path = "/auth/token") {
  addressSeq += 1;
  return api(path, {
    method: "POST",
    body,
    headers: { "CF-Connecting-IP": `203.0.113.${addressSeq}`, ...headers },
  });
}

function verify(token: string) {
  return api("/auth/verify", { token });
}

function secretKey(secret: string = TEST_SECRET): Uint8Array {
  return new TextEncoder().encode(secret);
}

// A token as the API would sign it, for the given workspace, with each part overridable.
function claimsOf(ws: Workspace, overrides: Record<string, unknown> = {}) {
  return { wsp: ws.workspaceId, kid: ws.keyId, scope: [...SCOPES], ...overrides };
}

function signed(ws: Workspace, overrides: Record<string, unknown> = {}) {
  return new SignJWT(claimsOf(ws, overrides))
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(ws.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt();
}

async function expectUnauthorized(res: Response, message?: string | RegExp) {
  expect(res.status).toBe(401);
  const body = await json<ErrorEnvelope>(res);
  expect(body.error.code).toBe("unauthorized");
  expect(body.request_id).toBe(res.headers.get("X-Request-Id"));
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else if (message) expect(body.error.message).toMatch(message);
  return body;
}

async function sql(query: string, ...params: unknown[]) {
  await env.DB.prepare(query)
    .bind(...params)
    .run();
}

let shared: Workspace;

beforeAll(async () => {
  shared = await createWorkspace();
});

describe("test set-up", () => {
  it("signs test tokens with the secret the Worker is configured with", () => {
    // Every forged-token test below relies on this; a mismatch would make them pass vacuously.
    expect(env.JWT_SECRET).toBe(TEST_SECRET);
  });
});

describe("POST /auth/token", () => {
  it("exchanges a key and secret for a one-hour bearer token", async () => {
    const res = await exchange({ api_key: shared.apiKey, secret: shared.secret });

    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = await json<Record<string, unknown>>(res);
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(3600);
    expect(body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("signs the token with HS256 and the documented claims", async () => {
    const res = await exchange({ api_key: shared.apiKey, secret: shared.secret });
    const { access_token } = await json<{ access_token: string }>(res);

    expect(decodeProtectedHeader(access_token)).toMatchObject({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(access_token);
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: shared.userId,
      wsp: shared.workspaceId,
      kid: shared.keyId,
    });
    expect([...(claims.scope as string[])].sort()).toEqual([...SCOPES].sort());
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  it("issues a token that /auth/verify accepts", async () => {
    const res = await exchange({ api_key: shared.apiKey, secret: shared.secret });
    const { access_token } = await json<{ access_token: string }>(res);

    const verified = await verify(access_token);
    expect(verified.status).toBe(200);
    expect((await json<VerifyBody>(verified)).user_id).toBe(shared.userId);
  });

  it("ignores an Authorization header sent along, as the docs' curl example does", async () => {
    const res = await exchange(
      { api_key: shared.apiKey, secret: shared.secret },
      { Authorization: "Bearer YOUR_TOKEN" },
    );

    expect(res.status).toBe(200);
    expect((await json(res)).token_type).toBe("Bearer");
  });

  it("answers on the unversioned path used by the docs' curl example", async () => {
    const res = await exchange(
      { api_key: shared.apiKey, secret: shared.secret },
      {},
      "https://api.momentik.ai/auth/token",
    );

    expect(res.status).toBe(200);
    expect((await json(res)).expires_in).toBe(3600);
  });

  it("gives a wrong key and a wrong secret the same 401", async () => {
    const wrongKey = await exchange({ api_key: "mk_test_doesnotexist", secret: shared.secret });
    const wrongSecret = await exchange({ api_key: shared.apiKey, secret: "sk_test_wrong" });

    const a = await expectUnauthorized(wrongKey, "Invalid API key or secret");
    const b = await expectUnauthorized(wrongSecret, "Invalid API key or secret");
    expect(a.error).toEqual(b.error);
    expect(wrongKey.headers.get("Cache-Control")).toBe(wrongSecret.headers.get("Cache-Control"));
  });

  it("refuses another key's secret", async () => {
    const other = await createWorkspace();
    const res = await exchange({ api_key: shared.apiKey, secret: other.secret });

    await expectUnauthorized(res, "Invalid API key or secret");
  });

  it("names every missing field with 422", async () => {
    const res = await exchange({});

    expect(res.status).toBe(422);
    const body = await json<ErrorEnvelope>(res);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toContain("api_key");
    expect(body.error.message).toContain("secret");
    const fields = (body.error.details as { fields: { field: string }[] }).fields;
    expect(fields.map((f) => f.field).sort()).toEqual(["api_key", "secret"]);
  });

  it("names the one field that is missing", async () => {
    const res = await exchange({ api_key: shared.apiKey });

    expect(res.status).toBe(422);
    const body = await json<ErrorEnvelope>(res);
    const fields = (body.error.details as { fields: { field: string }[] }).fields;
    expect(fields.map((f) => f.field)).toEqual(["secret"]);
  });

  it("refuses a non-string secret with 422 rather than 401", async () => {
    const res = await exchange({ api_key: shared.apiKey, secret: 12345 });

    expect(res.status).toBe(422);
    const body = await json<ErrorEnvelope>(res);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toContain("secret");
  });

  it("refuses a revoked key even with the right secret", async () => {
    const ws = await createWorkspace();
    await sql("UPDATE api_keys SET revoked_at = ? WHERE id = ?", Date.now(), ws.keyId);

    const res = await exchange({ api_key: ws.apiKey, secret: ws.secret });
    await expectUnauthorized(res, "Invalid API key or secret");
  });

  it("refuses a key whose owner is no longer a member", async () => {
    const ws = await createWorkspace();
    await sql(
      "DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?",
      ws.workspaceId,
      ws.userId,
    );

    const res = await exchange({ api_key: ws.apiKey, secret: ws.secret });
    await expectUnauthorized(res, "Invalid API key or secret");
  });

  it("grants only the scopes both the key and the membership hold", async () => {
    const ws = await createWorkspace({ scopes: ["content:read", "content:write"] });
    await sql(
      "UPDATE memberships SET permissions = ? WHERE workspace_id = ? AND user_id = ?",
      JSON.stringify(["content:read", "analytics:read"]),
      ws.workspaceId,
      ws.userId,
    );

    const res = await exchange({ api_key: ws.apiKey, secret: ws.secret });
    const { access_token } = await json<{ access_token: string }>(res);
    expect(decodeJwt(access_token).scope).toEqual(["content:read"]);
  });
});

describe("GET /auth/verify", () => {
  it("shows who the token belongs to and what it may do", async () => {
    const res = await verify(shared.token);

    expect(res.status).toBe(200);
    const body = await json<VerifyBody>(res);
    expect(body.valid).toBe(true);
    expect(body.user_id).toBe(shared.userId);
    expect(body.workspace_id).toBe(shared.workspaceId);
    expect([...body.permissions].sort()).toEqual([...SCOPES].sort());
    const expiresIn = Date.parse(body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(3590_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
  });

  it("lists exactly the scopes a limited key was given", async () => {
    const ws = await createWorkspace({ scopes: ["content:read", "analytics:read"] });

    const body = await json<VerifyBody>(await verify(ws.token));
    expect(body.permissions).toEqual(["content:read", "analytics:read"]);
  });

  it("accepts a token it did not issue itself when it is correctly signed", async () => {
    // The positive control for every forged-token test below.
    const token = await signed(shared).setExpirationTime("5m").sign(secretKey());

    const res = await verify(token);
    expect(res.status).toBe(200);
    expect((await json<VerifyBody>(res)).workspace_id).toBe(shared.workspaceId);
  });

  it("accepts the Bearer scheme in any letter case", async () => {
    const res = await api("/auth/verify", {
      headers: { Authorization: `bearer ${shared.token}` },
    });

    expect(res.status).toBe(200);
  });
});

describe("credentials that stop working", () => {
  it("stops an issued token at once when its key is revoked", async () => {
    const ws = await createWorkspace();
    expect((await verify(ws.token)).status).toBe(200);

    await sql("UPDATE api_keys SET revoked_at = ? WHERE id = ?", Date.now(), ws.keyId);

    await expectUnauthorized(await verify(ws.token), /no longer active/);
    await expectUnauthorized(await api("/content", { token: ws.token }), /no longer active/);
  });

  it("stops an issued token at once when the member is removed", async () => {
    const ws = await createWorkspace();
    expect((await api("/content", { token: ws.token })).status).toBe(200);

    await sql(
      "DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?",
      ws.workspaceId,
      ws.userId,
    );

    await expectUnauthorized(await api("/content", { token: ws.token }), /no longer active/);
    await expectUnauthorized(await verify(ws.token), /no longer active/);
  });

  it("narrows an issued token at once when the membership is narrowed", async () => {
    const ws = await createWorkspace();
    await sql(
      "UPDATE memberships SET permissions = ? WHERE workspace_id = ? AND user_id = ?",
      JSON.stringify(["content:read"]),
      ws.workspaceId,
      ws.userId,
    );

    expect((await json<VerifyBody>(await verify(ws.token))).permissions).toEqual(["content:read"]);
    const write = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Should not be created", platforms: ["instagram"] },
    });
    expect(write.status).toBe(403);
  });

  it("does not let one workspace's key stand in for another's in a signed token", async () => {
    const other = await createWorkspace();
    const token = await signed(shared, { kid: other.keyId })
      .setExpirationTime("5m")
      .sign(secretKey());

    await expectUnauthorized(await verify(token), /no longer active/);
  });
});

describe("tokens that are refused with 401", () => {
  it("refuses a request without an Authorization header", async () => {
    const res = await api("/auth/verify");

    await expectUnauthorized(res, "Missing bearer token");
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="momentik"');
  });

  it("refuses the Basic scheme", async () => {
    const res = await api("/auth/verify", {
      headers: { Authorization: `Basic ${btoa(`${shared.apiKey}:${shared.secret}`)}` },
    });

    await expectUnauthorized(res, "Missing bearer token");
  });

  it("refuses a Bearer header without a token", async () => {
    await expectUnauthorized(await api("/auth/verify", { headers: { Authorization: "Bearer" } }));
  });

  it("refuses a garbage string", async () => {
    await expectUnauthorized(await verify("garbage"), "Token is invalid");
    await expectUnauthorized(await verify("a.b.c"), "Token is invalid");
  });

  it("refuses a token with characters no JWT has", async () => {
    const res = await api("/auth/verify", { headers: { Authorization: "Bearer not a token" } });

    await expectUnauthorized(res);
  });

  it("refuses an expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signed(shared)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(secretKey());

    await expectUnauthorized(await verify(token), "Token has expired");
  });

  it("refuses a token whose payload was tampered with", async () => {
    const [header, payload, signature] = shared.token.split(".") as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    const forged = base64url.encode(JSON.stringify({ ...claims, wsp: "wsp_someoneelse" }));

    await expectUnauthorized(await verify(`${header}.${forged}.${signature}`), "Token is invalid");
  });

  it("refuses a token whose signature was altered", async () => {
    const [header, payload] = shared.token.split(".") as [string, string];
    const bogus = base64url.encode(new Uint8Array(32).fill(7));

    await expectUnauthorized(await verify(`${header}.${payload}.${bogus}`), "Token is invalid");
  });

  it("refuses a token issued in the future", async () => {
    const later = Math.floor(Date.now() / 1000) + 3600;
    const token = await signed(shared)
      .setIssuedAt(later)
      .setExpirationTime(later + 600)
      .sign(secretKey());

    await expectUnauthorized(await verify(token), "Token is invalid");
  });

  it("refuses a token exchange with an unknown field", async () => {
    const res = await exchange({ api_key: shared.apiKey, secret: shared.secret, scope: "all" });
    expect(res.status).toBe(422);
  });

  it("refuses a token signed with none", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const payload = base64url.encode(
      JSON.stringify({
        ...claimsOf(shared),
        sub: shared.userId,
        iss: ISSUER,
        aud: AUDIENCE,
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    );

    await expectUnauthorized(await verify(`${header}.${payload}.`), "Token is invalid");
  });

  it("refuses a token signed with HS512 under the right secret", async () => {
    const token = await new SignJWT(claimsOf(shared))
      .setProtectedHeader({ alg: "HS512", typ: "JWT" })
      .setSubject(shared.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(secretKey());

    await expectUnauthorized(await verify(token), "Token is invalid");
  });

  it("refuses a token signed with an asymmetric algorithm", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const token = await new SignJWT(claimsOf(shared))
      .setProtectedHeader({ alg: "ES256", typ: "JWT", jwk: await exportJWK(publicKey) })
      .setSubject(shared.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);

    await expectUnauthorized(await verify(token), "Token is invalid");
  });

  it("refuses a token without an expiry", async () => {
    const token = await signed(shared).sign(secretKey());

    await expectUnauthorized(await verify(token), "Token is invalid");
  });

  it("refuses a token without an issued-at time", async () => {
    const token = await new SignJWT(claimsOf(shared))
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(shared.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign(secretKey());

    await expectUnauthorized(await verify(token), "Token is invalid");
  });

  it("refuses a token signed with another key", async () => {
    const token = await signed(shared)
      .setExpirationTime("5m")
      .sign(secretKey("another-signing-secret-that-is-long-enough-xyz"));

    await expectUnauthorized(await verify(token), "Token is invalid");
  });

  it("refuses a token from another issuer", async () => {
    const token = await signed(shared)
      .setIssuer("https://evil.example")
      .setExpirationTime("5m")
      .sign(secretKey());

    await expectUnauthorized(await verify(token), "Token is invalid");
  });

  it("refuses a token for another audience", async () => {
    const token = await signed(shared)
      .setAudience("some-other-api")
      .setExpirationTime("5m")
      .sign(secretKey());

    await expectUnauthorized(await verify(token), "Token is invalid");
  });

  it("refuses a token without its workspace claim", async () => {
    const token = await signed(shared, { wsp: undefined })
      .setExpirationTime("5m")
      .sign(secretKey());

    await expectUnauthorized(await verify(token), "Token is missing required claims");
  });

  it("refuses a token whose scope claim is not a list of strings", async () => {
    const asString = await signed(shared, { scope: "content:read" })
      .setExpirationTime("5m")
      .sign(secretKey());
    const asNumbers = await signed(shared, { scope: [1, 2] })
      .setExpirationTime("5m")
      .sign(secretKey());

    await expectUnauthorized(await verify(asString), "Token is missing required claims");
    await expectUnauthorized(await verify(asNumbers), "Token is missing required claims");
  });

  it("refuses a token without a subject", async () => {
    const token = await new SignJWT(claimsOf(shared))
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(secretKey());

    await expectUnauthorized(await verify(token));
  });
});

describe("scopes", () => {
  it("answers 403 forbidden when the token lacks the scope a route needs", async () => {
    const ws = await createWorkspace({ scopes: ["content:read"] });

    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { title: "Not allowed", platforms: ["instagram"] },
    });

    expect(res.status).toBe(403);
    const body = await json<ErrorEnvelope>(res);
    expect(body.error.code).toBe("forbidden");
    expect(body.error.message).toContain("content:write");
    expect(body.error.details).toEqual({ required: "content:write" });
  });

  it("lets the same limited token use the scope it does hold", async () => {
    const ws = await createWorkspace({ scopes: ["content:read"] });

    expect((await api("/content", { token: ws.token })).status).toBe(200);
  });

  it("does not honour a scope the token claims but the membership lacks", async () => {
    const ws = await createWorkspace({ scopes: ["content:read"] });
    const token = await signed(ws).setExpirationTime("5m").sign(secretKey());

    const res = await api("/team/members", { token });
    expect(res.status).toBe(403);
    expect((await json<ErrorEnvelope>(res)).error.code).toBe("forbidden");
  });
});

describe("signing secret configuration", () => {
  async function callWithSecret(secret: string | undefined, request: Request) {
    const ctx = createExecutionContext();
    const res = await createApp().fetch(request, { ...env, JWT_SECRET: secret }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("answers 503 with a clear message when JWT_SECRET is shorter than 32 bytes", async () => {
    const request = new Request("https://api.momentik.test/v1/auth/token", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.1" },
      body: JSON.stringify({ api_key: shared.apiKey, secret: shared.secret }),
    });

    const res = await callWithSecret("short", request);
    expect(res.status).toBe(503);
    const body = await json<ErrorEnvelope>(res);
    expect(body.error.code).toBe("service_unavailable");
    expect(body.error.message).toMatch(/JWT_SECRET/);
    expect(body.error.message).toMatch(/32 bytes/);
  });

  it("answers 503 rather than accepting tokens when JWT_SECRET is too short", async () => {
    const request = new Request("https://api.momentik.test/v1/auth/verify", {
      headers: { Authorization: `Bearer ${shared.token}` },
    });

    const res = await callWithSecret("short", request);
    expect(res.status).toBe(503);
    expect((await json<ErrorEnvelope>(res)).error.code).toBe("service_unavailable");
  });

  it("answers 503 when JWT_SECRET is not set at all", async () => {
    const request = new Request("https://api.momentik.test/v1/auth/verify", {
      headers: { Authorization: `Bearer ${shared.token}` },
    });

    const res = await callWithSecret(undefined, request);
    expect(res.status).toBe(503);
    expect((await json<ErrorEnvelope>(res)).error.message).toMatch(/JWT_SECRET/);
  });

  it("counts bytes, not characters, so 31 bytes are refused and 32 accepted", async () => {
    const post = () =>
      new Request("https://api.momentik.test/v1/auth/token", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.2" },
        body: JSON.stringify({ api_key: shared.apiKey, secret: shared.secret }),
      });

    expect((await callWithSecret("x".repeat(31), post())).status).toBe(503);
    expect((await callWithSecret("x".repeat(32), post())).status).toBe(200);
  });
});
