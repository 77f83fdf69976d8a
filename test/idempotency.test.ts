import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createWorkspace, json } from "./helpers/fixtures";

const draft = { title: "Retry me", platforms: ["twitter"] };

async function contentCount(workspaceId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM content WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("Idempotency-Key", () => {
  it("replays the first response for a retried POST and creates one row", async () => {
    const ws = await createWorkspace();
    const headers = { "Idempotency-Key": "create-1" };
    const first = await api("/content", { method: "POST", token: ws.token, body: draft, headers });
    const second = await api("/content", { method: "POST", token: ws.token, body: draft, headers });

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await json(second)).id).toBe((await json(first)).id);
    expect(await contentCount(ws.workspaceId)).toBe(1);
  });

  it("refuses the same key with a different body", async () => {
    const ws = await createWorkspace();
    const headers = { "Idempotency-Key": "create-2" };
    await api("/content", { method: "POST", token: ws.token, body: draft, headers });
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: { ...draft, title: "Another" },
      headers,
    });
    expect(res.status).toBe(422);
    expect(await contentCount(ws.workspaceId)).toBe(1);
  });

  it("keeps keys apart between workspaces", async () => {
    const a = await createWorkspace();
    const b = await createWorkspace();
    const headers = { "Idempotency-Key": "shared-key" };
    const ra = await api("/content", { method: "POST", token: a.token, body: draft, headers });
    const rb = await api("/content", { method: "POST", token: b.token, body: draft, headers });
    expect(rb.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await json(rb)).id).not.toBe((await json(ra)).id);
    expect(await contentCount(b.workspaceId)).toBe(1);
  });

  it("creates a new row for each request without a key", async () => {
    const ws = await createWorkspace();
    await api("/content", { method: "POST", token: ws.token, body: draft });
    await api("/content", { method: "POST", token: ws.token, body: draft });
    expect(await contentCount(ws.workspaceId)).toBe(2);
  });

  it("rejects a key with control characters", async () => {
    const ws = await createWorkspace();
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: draft,
      headers: { "Idempotency-Key": "a b" },
    });
    expect(res.status).toBe(400);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("bad_request");
  });
});
