import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { open } from "../src/crypto/credential-box";
import { api, createWorkspace, json, type Workspace } from "./helpers/fixtures";

type Account = {
  id: string;
  platform: string;
  name: string;
  status: string;
  status_reason: string | null;
  default: boolean;
  signing_secret?: string;
};

async function connect(ws: Workspace, body: Record<string, unknown>) {
  return api("/accounts", { method: "POST", token: ws.token, body });
}

async function listAccounts(ws: Workspace): Promise<Account[]> {
  const res = await api("/accounts", { token: ws.token });
  expect(res.status).toBe(200);
  return (await json<{ accounts: Account[] }>(res)).accounts;
}

async function stored(id: string) {
  return env.DB.prepare("SELECT * FROM accounts WHERE id = ?").bind(id).first<{
    workspace_id: string;
    credentials_ciphertext: string;
    credentials_iv: string;
    credentials_key_id: string;
    status: string;
    is_default: number;
    deleted_at: number | null;
  }>();
}

describe("POST /accounts", () => {
  it("connects an account, seals its credentials and never shows them", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const res = await connect(ws, {
      platform: "twitter",
      name: "Brand X",
      credentials: { access_token: "secret-x-token" },
    });

    expect(res.status).toBe(201);
    const body = await json<Account>(res);
    expect(body).toMatchObject({ platform: "twitter", name: "Brand X", status: "active" });
    expect(body.default).toBe(true);
    expect(JSON.stringify(body)).not.toContain("secret-x-token");
    expect(JSON.stringify(await listAccounts(ws))).not.toContain("secret-x-token");

    const row = await stored(body.id);
    expect(row?.credentials_ciphertext).not.toContain("secret-x-token");
    expect(row?.credentials_key_id).toBe("test2");
    const opened = await open(env.CREDENTIAL_KEYS, `${ws.workspaceId}/${body.id}`, {
      ciphertext: row?.credentials_ciphertext ?? "",
      iv: row?.credentials_iv ?? "",
      keyId: row?.credentials_key_id ?? "",
    });
    expect(opened).toEqual({ access_token: "secret-x-token" });
  });

  it("binds sealed credentials to their row", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const body = await json<Account>(
      await connect(ws, { platform: "twitter", name: "X", credentials: { access_token: "t" } }),
    );
    const row = await stored(body.id);

    const moved = open(env.CREDENTIAL_KEYS, `${ws.workspaceId}/acc_other`, {
      ciphertext: row?.credentials_ciphertext ?? "",
      iv: row?.credentials_iv ?? "",
      keyId: row?.credentials_key_id ?? "",
    });

    await expect(moved).rejects.toThrow();
  });

  it("makes a webhook signing secret and shows it once", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const res = await connect(ws, {
      platform: "webhook",
      name: "Our endpoint",
      credentials: { url: "https://hooks.example.com/momentik" },
    });

    expect(res.status).toBe(201);
    const body = await json<Account>(res);
    expect(body.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(JSON.stringify(await listAccounts(ws))).not.toContain(body.signing_secret as string);
  });

  it("refuses credentials that do not fit the platform, naming the field", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const res = await connect(ws, {
      platform: "linkedin",
      name: "Page",
      credentials: { access_token: "t" },
    });

    expect(res.status).toBe(422);
    const error = await json<{ error: { details: { fields: { field: string }[] } } }>(res);
    expect(error.error.details.fields.map((f) => f.field)).toContain("credentials.author_urn");
  });

  it("refuses an unknown platform and unknown fields", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const unknownPlatform = await connect(ws, {
      platform: "myspace",
      name: "Old",
      credentials: { access_token: "t" },
    });
    const unknownField = await connect(ws, {
      platform: "twitter",
      name: "X",
      credentials: { access_token: "t" },
      status: "active",
    });

    expect(unknownPlatform.status).toBe(422);
    expect(unknownField.status).toBe(422);
  });

  it("refuses a webhook on a private address outside local development", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const request = new Request("https://api.momentik.test/v1/accounts", {
      method: "POST",
      headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        platform: "webhook",
        name: "Internal",
        credentials: { url: "https://169.254.169.254/latest" },
      }),
    });

    const res = await createApp().fetch(
      request,
      { ...env, ENVIRONMENT: "production" },
      createExecutionContext(),
    );

    expect(res.status).toBe(422);
    expect(await json(res)).toMatchObject({ error: { code: "validation_failed" } });
  });

  it("needs accounts:write", async () => {
    const ws = await createWorkspace({ accounts: [], scopes: ["accounts:read"] });
    const res = await connect(ws, { platform: "twitter", name: "X", credentials: {} });
    expect(res.status).toBe(403);
  });
});

describe("PATCH /accounts/{id}", () => {
  it("moves the platform's default to another account", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const first = await json<Account>(
      await connect(ws, { platform: "twitter", name: "One", credentials: { access_token: "a" } }),
    );
    const second = await json<Account>(
      await connect(ws, { platform: "twitter", name: "Two", credentials: { access_token: "b" } }),
    );
    expect(second.default).toBe(false);

    const res = await api(`/accounts/${second.id}`, {
      method: "PATCH",
      token: ws.token,
      body: { default: true },
    });

    expect(res.status).toBe(200);
    const accounts = await listAccounts(ws);
    expect(accounts.find((a) => a.id === second.id)?.default).toBe(true);
    expect(accounts.find((a) => a.id === first.id)?.default).toBe(false);
  });

  it("re-authorises an account with new credentials", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const account = await json<Account>(
      await connect(ws, { platform: "twitter", name: "X", credentials: { access_token: "old" } }),
    );
    await env.DB.prepare(
      "UPDATE accounts SET status = 'needs_reauth', status_reason = 'expired' WHERE id = ?",
    )
      .bind(account.id)
      .run();

    const res = await api(`/accounts/${account.id}`, {
      method: "PATCH",
      token: ws.token,
      body: { credentials: { access_token: "new" } },
    });

    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: "active", status_reason: null });
    const row = await stored(account.id);
    const opened = await open(env.CREDENTIAL_KEYS, `${ws.workspaceId}/${account.id}`, {
      ciphertext: row?.credentials_ciphertext ?? "",
      iv: row?.credentials_iv ?? "",
      keyId: row?.credentials_key_id ?? "",
    });
    expect(opened).toEqual({ access_token: "new" });
  });

  it("answers 404 for another workspace's account", async () => {
    const owner = await createWorkspace({ accounts: ["twitter"] });
    const other = await createWorkspace({ accounts: [] });
    const [account] = await listAccounts(owner);

    const res = await api(`/accounts/${account?.id}`, {
      method: "PATCH",
      token: other.token,
      body: { name: "Mine now" },
    });

    expect(res.status).toBe(404);
    expect((await listAccounts(owner))[0]?.name).toBe(account?.name);
  });
});

describe("DELETE /accounts/{id}", () => {
  it("erases the credentials and hands the default to the next account", async () => {
    const ws = await createWorkspace({ accounts: [] });
    const first = await json<Account>(
      await connect(ws, { platform: "twitter", name: "One", credentials: { access_token: "a" } }),
    );
    const second = await json<Account>(
      await connect(ws, { platform: "twitter", name: "Two", credentials: { access_token: "b" } }),
    );

    const res = await api(`/accounts/${first.id}`, { method: "DELETE", token: ws.token });

    expect(res.status).toBe(200);
    const accounts = await listAccounts(ws);
    expect(accounts.map((a) => a.id)).toEqual([second.id]);
    expect(accounts[0]?.default).toBe(true);
    const row = await stored(first.id);
    expect(row?.deleted_at).not.toBeNull();
    expect(row?.credentials_ciphertext).toBe("");
  });

  it("answers 404 for another workspace's account and leaves it connected", async () => {
    const owner = await createWorkspace({ accounts: ["twitter"] });
    const other = await createWorkspace({ accounts: [] });
    const [account] = await listAccounts(owner);

    const res = await api(`/accounts/${account?.id}`, { method: "DELETE", token: other.token });

    expect(res.status).toBe(404);
    expect(await listAccounts(owner)).toHaveLength(1);
  });
});
