import { describe, expect, it } from "vitest";
import { api, createWorkspace, inHours, json } from "./helpers/fixtures";

describe("POST /content", () => {
  it("creates scheduled content with one pending post per platform", async () => {
    const ws = await createWorkspace();
    const res = await api("/content", {
      method: "POST",
      token: ws.token,
      body: {
        title: "New Campaign",
        description: "Campaign description",
        platforms: ["instagram", "linkedin"],
        scheduled_at: inHours(24),
      },
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({ title: "New Campaign", status: "scheduled" });
    expect(body.id).toMatch(/^cnt_/);
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const schedule = await json<{ scheduled_posts: { platform: string; status: string }[] }>(
      await api("/schedule", { token: ws.token }),
    );
    expect(schedule.scheduled_posts.map((p) => p.platform).sort()).toEqual(["instagram", "linkedin"]);
    expect(schedule.scheduled_posts.every((p) => p.status === "pending")).toBe(true);
  });
});
