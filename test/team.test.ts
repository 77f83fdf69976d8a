import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SCOPES } from "../src/auth/scopes";
import { newId, randomToken } from "../src/ids";
import { expectError, expectFieldError } from "./helpers/api-errors";
import { api, createWorkspace, json, type Workspace } from "./helpers/fixtures";

type Member = {
  id: string;
  name: string;
  email: string;
  role: string;
  permissions: string[];
  joined_at: string;
};
type MemberList = {
  members: Member[];
  pagination: { page: number; per_page: number; total: number };
};
type Invitation = {
  invitation_id: string;
  status: string;
  email: string;
  role: string;
  permissions: string[];
  expires_at: string;
};

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

function invite(ws: Workspace, body: Record<string, unknown>) {
  return api("/team/invite", { method: "POST", token: ws.token, body });
}

async function invited(ws: Workspace, body: Record<string, unknown>): Promise<Invitation> {
  const res = await invite(ws, body);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as Invitation;
}

async function members(ws: Workspace, query = ""): Promise<MemberList> {
  const res = await api(`/team/members${query}`, { token: ws.token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as MemberList;
}

function uniqueEmail(): string {
  return `person-${randomToken(10)}@company.test`;
}

// Adds a member straight into D1, the way an accepted invitation would.
async function addMember(ws: Workspace, name: string, role: string, permissions: string[]) {
  const userId = newId("usr");
  const email = uniqueEmail();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?)").bind(
      userId,
      email,
      name,
      Date.now() + 1000,
    ),
    env.DB.prepare(
      "INSERT INTO memberships (workspace_id, user_id, role, permissions, created_at) " +
        "VALUES (?, ?, ?, ?, ?)",
    ).bind(ws.workspaceId, userId, role, JSON.stringify(permissions), Date.now() + 1000),
  ]);
  return { userId, email };
}

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
});

describe("GET /team/members", () => {
  it("lists the owner with the documented fields", async () => {
    const own = await createWorkspace({ email: "owner-listed@company.test" });
    const body = await members(own);
    expect(body.pagination).toEqual({ page: 1, per_page: 20, total: 1 });
    expect(body.members).toEqual([
      {
        id: own.userId,
        name: "Test Owner",
        email: "owner-listed@company.test",
        role: "owner",
        permissions: [...SCOPES],
        joined_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    ]);
  });

  it("lists members earliest first and pages through them", async () => {
    const own = await createWorkspace();
    const sarah = await addMember(own, "Sarah Johnson", "content_manager", [
      "content:write",
      "analytics:read",
    ]);
    const body = await members(own);
    expect(body.members.map((m) => m.id)).toEqual([own.userId, sarah.userId]);
    expect(body.members[1]).toMatchObject({
      name: "Sarah Johnson",
      role: "content_manager",
      permissions: ["content:write", "analytics:read"],
    });
    const second = await members(own, "?per_page=1&page=2");
    expect(second.members.map((m) => m.id)).toEqual([sarah.userId]);
    expect(second.pagination).toEqual({ page: 2, per_page: 1, total: 2 });
  });

  it("refuses per_page=0 with 400", async () => {
    const res = await api("/team/members?per_page=0", { token: ws.token });
    await expectFieldError(res, 400, "invalid_query", "per_page");
  });

  it("refuses a token without team:read with 403", async () => {
    const outsider = await createWorkspace({ scopes: ["content:read"] });
    await expectError(await api("/team/members", { token: outsider.token }), 403, "forbidden");
  });
});

describe("POST /team/invite", () => {
  it("sends an invitation that expires in 7 days", async () => {
    const before = Date.now();
    const body = await invited(ws, {
      email: "NewMember@Company.com",
      role: "content_manager",
      permissions: ["content:read", "content:write"],
    });
    expect(body.invitation_id).toMatch(/^inv_/);
    expect(body).toMatchObject({
      status: "sent",
      email: "newmember@company.com",
      role: "content_manager",
      permissions: ["content:read", "content:write"],
    });
    expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expires = Date.parse(body.expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + WEEK_MS - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + WEEK_MS);
  });

  it("grants the role's permissions when none are named", async () => {
    const body = await invited(ws, { email: uniqueEmail(), role: "viewer" });
    expect(body.permissions).toEqual([
      "content:read",
      "schedule:read",
      "analytics:read",
      "team:read",
    ]);
  });

  it("stores the invitation token only as a SHA-256 hash", async () => {
    const email = uniqueEmail();
    const body = await invited(ws, { email, role: "analyst", permissions: ["analytics:read"] });
    const row = await env.DB.prepare("SELECT * FROM invitations WHERE id = ?")
      .bind(body.invitation_id)
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({
      workspace_id: ws.workspaceId,
      email,
      role: "analyst",
      status: "pending",
      invited_by: ws.userId,
    });
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(String(row?.permissions))).toEqual(["analytics:read"]);
    // No other column could hold the token itself.
    const columns = await env.DB.prepare("PRAGMA table_info(invitations)").all<{ name: string }>();
    expect(columns.results.map((c) => c.name).filter((n) => n.includes("token"))).toEqual([
      "token_hash",
    ]);
    expect(JSON.stringify(body)).not.toContain(String(row?.token_hash));
  });

  it("gives each invitation a different token hash", async () => {
    const a = await invited(ws, { email: uniqueEmail(), role: "viewer" });
    const b = await invited(ws, { email: uniqueEmail(), role: "viewer" });
    const rows = await env.DB.prepare("SELECT token_hash FROM invitations WHERE id IN (?, ?)")
      .bind(a.invitation_id, b.invitation_id)
      .all<{ token_hash: string }>();
    expect(new Set(rows.results.map((r) => r.token_hash)).size).toBe(2);
  });

  it.each([
    ["a malformed email", { email: "not-an-email" }, "email"],
    ["a missing email", { email: undefined }, "email"],
    ["an unknown role", { role: "superuser" }, "role"],
    ["an unknown permission", { permissions: ["content:read", "billing:write"] }, "permissions"],
    ["permissions that are not a list", { permissions: "content:read" }, "permissions"],
    ["an unknown field", { team: "red" }, "team"],
  ])("refuses %s with 422 naming the field", async (_name, change, field) => {
    const body = { email: uniqueEmail(), role: "content_manager", ...change };
    await expectFieldError(await invite(ws, body), 422, "validation_failed", field);
  });

  it("refuses a permission outside the role with 422", async () => {
    const res = await invite(ws, {
      email: uniqueEmail(),
      role: "viewer",
      permissions: ["content:read", "content:write"],
    });
    const body = await expectFieldError(res, 422, "validation_failed", "permissions");
    expect(JSON.stringify(body.error.details)).toContain("content:write");
  });

  describe("an inviter with few permissions", () => {
    let narrow: Workspace;

    beforeAll(async () => {
      narrow = await createWorkspace({ scopes: ["team:read", "team:write", "content:read"] });
    });

    it("cannot grant a permission they lack", async () => {
      const email = uniqueEmail();
      const res = await invite(narrow, {
        email,
        role: "content_manager",
        permissions: ["content:write"],
      });
      const body = await expectError(res, 403, "forbidden");
      expect(body.error.details).toEqual({ permissions: ["content:write"] });
      const row = await env.DB.prepare("SELECT count(*) AS n FROM invitations WHERE email = ?")
        .bind(email)
        .first<{ n: number }>();
      expect(row?.n).toBe(0);
    });

    it("cannot grant a role's defaults they lack", async () => {
      const res = await invite(narrow, { email: uniqueEmail(), role: "viewer" });
      await expectError(res, 403, "forbidden");
    });

    it("can grant a permission they hold", async () => {
      const body = await invited(narrow, {
        email: uniqueEmail(),
        role: "content_manager",
        permissions: ["content:read"],
      });
      expect(body.permissions).toEqual(["content:read"]);
    });
  });

  it("refuses a second pending invitation for the same address in any case with 409", async () => {
    const email = uniqueEmail();
    await invited(ws, { email, role: "viewer" });
    const res = await invite(ws, { email: email.toUpperCase(), role: "analyst" });
    await expectError(res, 409, "conflict");
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM invitations WHERE workspace_id = ? AND email = ?",
    )
      .bind(ws.workspaceId, email)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("lets another workspace invite an address that has a pending invitation here", async () => {
    const email = uniqueEmail();
    await invited(ws, { email, role: "viewer" });
    const other = await createWorkspace();
    await invited(other, { email, role: "viewer" });
  });

  it("allows a new invitation once the earlier one has expired", async () => {
    const email = uniqueEmail();
    const first = await invited(ws, { email, role: "viewer" });
    await env.DB.prepare("UPDATE invitations SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, first.invitation_id)
      .run();
    const second = await invited(ws, { email, role: "viewer" });
    expect(second.invitation_id).not.toBe(first.invitation_id);
    const old = await env.DB.prepare("SELECT status FROM invitations WHERE id = ?")
      .bind(first.invitation_id)
      .first<{ status: string }>();
    expect(old?.status).toBe("expired");
  });

  it("refuses to invite an existing member with 409", async () => {
    const own = await createWorkspace({ email: `member-${randomToken(8)}@company.test` });
    const owner = (await members(own)).members[0] as Member;
    const res = await invite(own, { email: owner.email.toUpperCase(), role: "viewer" });
    await expectError(res, 409, "conflict");
  });

  it("refuses a token without team:write with 403", async () => {
    const reader = await createWorkspace({ scopes: ["team:read"] });
    await expectError(
      await invite(reader, { email: uniqueEmail(), role: "viewer" }),
      403,
      "forbidden",
    );
  });

  it("answers with JSON the client can read back", async () => {
    const res = await invite(ws, { email: uniqueEmail(), role: "viewer" });
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await json(res)).toHaveProperty("invitation_id");
  });
});
