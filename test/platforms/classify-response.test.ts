import { describe, expect, it } from "vitest";
import {
  classifyNetworkError,
  classifyResponse,
  parseRetryAfter,
} from "../../src/platforms/classify-response";

const NOW = Date.parse("2026-09-01T12:00:00Z");
const graph = (error: Record<string, unknown>) =>
  new Response(JSON.stringify({ error }), { status: 400 });

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("7", NOW)).toBe(7);
  });

  it("reads an HTTP date relative to now, never below zero", () => {
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW)).toBe(0);
  });

  it("ignores a missing or unreadable value", () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter("soon", NOW)).toBeNull();
  });
});

describe("classifyResponse", () => {
  it("treats Graph is_transient errors as transient", async () => {
    const error = await classifyResponse(
      "instagram",
      graph({ message: "x", is_transient: true }),
      NOW,
    );
    expect(error.kind).toBe("transient");
  });

  it("treats 408 as transient", async () => {
    const error = await classifyResponse("webhook", new Response("", { status: 408 }), NOW);
    expect(error.kind).toBe("transient");
  });

  it("treats LinkedIn's expired-token code as auth", async () => {
    const body = JSON.stringify({ status: 403, code: "EXPIRED_ACCESS_TOKEN", message: "expired" });
    const error = await classifyResponse("linkedin", new Response(body, { status: 403 }), NOW);
    expect(error.kind).toBe("auth");
  });

  it("combines X's general and specific reasons", async () => {
    const body = JSON.stringify({
      title: "Invalid Request",
      detail: "One or more parameters to your request was invalid.",
      errors: [{ message: "Your Tweet text is too long." }],
    });
    const error = await classifyResponse("twitter", new Response(body, { status: 400 }), NOW);
    expect(error.message).toBe(
      "One or more parameters to your request was invalid. Your Tweet text is too long.",
    );
  });

  it("keeps an access token out of the message", async () => {
    const error = await classifyResponse(
      "instagram",
      graph({ message: "bad url https://graph.test/1?access_token=SECRET123&x=1" }),
      NOW,
    );
    expect(error.message).not.toContain("SECRET123");
  });
});

describe("classifyNetworkError", () => {
  it("keeps an access token out of a network error", () => {
    const error = classifyNetworkError(
      "instagram",
      new TypeError("fetch failed for https://graph.test/1?access_token=SECRET123"),
      1000,
    );
    expect(error.kind).toBe("transient");
    expect(error.message).not.toContain("SECRET123");
  });
});
