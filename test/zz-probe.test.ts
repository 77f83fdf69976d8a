import { exports } from "cloudflare:workers";
import { it } from "vitest";
import { Hono } from "hono";

it("probe", async () => {
  const h = new Hono();
  h.all("*", (c) => c.json({ cl: c.req.header("content-length") ?? null, te: c.req.header("transfer-encoding") ?? null }));
  const big = "x".repeat(10);
  const r1 = new Request("https://x/a", { method: "POST", body: big });
  console.error("direct string", JSON.stringify(await (await h.fetch(r1)).json()));
  const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("abc")); c.close(); } });
  const r2 = new Request("https://x/a", { method: "POST", body: stream, duplex: "half" } as RequestInit);
  console.error("direct stream", JSON.stringify(await (await h.fetch(r2)).json()));
  const r3 = new Request("https://x/v1/nope", { method: "POST", body: big });
  const res = await exports.default.fetch(r3);
  console.error("exports", res.status, await res.text());
});
