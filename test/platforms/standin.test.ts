import { describe, expect, it } from "vitest";
import standin from "../../standin/src/index";

const call = (path: string, init?: RequestInit) =>
  standin.fetch(new Request(`http://127.0.0.1:8788${path}`, init));

describe("stand-in Worker", () => {
  it("records platform requests and lists them newest last", async () => {
    await call("/_reset", { method: "POST" });
    const post = await call("/x/2/tweets", {
      method: "POST",
      headers: { Authorization: "Bearer t", "Content-Type": "application/json" },
      body: JSON.stringify({ text: "first" }),
    });
    expect(post.status).toBe(201);
    await call("/webhook/hook", { method: "POST", body: "{}" });

    const listed = (await (await call("/_requests")).json()) as { path: string }[];
    expect(listed.map((r) => r.path)).toEqual(["/x/2/tweets", "/webhook/hook"]);
  });

  it("scripts failures over HTTP", async () => {
    await call("/_reset", { method: "POST" });
    await call("/_fail", {
      method: "POST",
      body: JSON.stringify({ match: "/linkedin/", status: 503, headers: { "Retry-After": "5" } }),
    });
    const res = await call("/linkedin/rest/posts", { method: "POST" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
  });
});
