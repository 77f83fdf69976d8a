import { beforeEach, describe, expect, it } from "vitest";
import { PlatformError } from "../../src/platforms/adapter";
import { webhookAdapter } from "../../src/platforms/webhook";
import { createStandin, type Standin } from "../../standin/src/handler";
import { NOW, outgoingPost, publishContext } from "./publish-context";

const KEY = "momentik-webhook-test-key-32-byt";
const CREDENTIALS = {
  url: "http://standin.test/webhook/receiver",
  signing_secret: `whsec_${btoa(KEY)}`,
};

let standin: Standin;
beforeEach(() => {
  standin = createStandin();
});

const ctx = (overrides = {}) => publishContext(standin.fetch, "", CREDENTIALS, overrides);
const post = () =>
  outgoingPost({
    platform: "webhook",
    title: "Launch",
    description: "Today",
    text: "Launch\n\nToday",
  });

// Verification as a receiver following the Standard Webhooks spec would do it.
async function expectedSignature(id: string, timestamp: string, body: string): Promise<string> {
  const secret = CREDENTIALS.signing_secret.slice("whsec_".length);
  const keyBytes = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${id}.${timestamp}.${body}`),
  );
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

describe("webhook publish", () => {
  it("delivers a signed JSON body the receiver can verify", async () => {
    const result = await webhookAdapter.publish(post(), ctx());

    const [request] = standin.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe(CREDENTIALS.url);
    expect(request?.headers["content-type"]).toBe("application/json");
    const id = request?.headers["webhook-id"] ?? "";
    const timestamp = request?.headers["webhook-timestamp"] ?? "";
    expect(id).toBe(post().postId);
    expect(timestamp).toBe(`${Math.floor(NOW / 1000)}`);
    expect(request?.headers["webhook-signature"]).toBe(
      await expectedSignature(id, timestamp, request?.body ?? ""),
    );
    expect(result).toEqual({ externalId: post().postId, url: null });
  });

  it("sends the content in the body", async () => {
    await webhookAdapter.publish(post(), ctx());
    expect(JSON.parse(standin.requests[0]?.body ?? "")).toEqual({
      type: "post.publish",
      timestamp: new Date(NOW).toISOString(),
      data: {
        post_id: post().postId,
        content_id: post().contentId,
        workspace_id: post().workspaceId,
        platform: "webhook",
        title: "Launch",
        description: "Today",
        text: "Launch\n\nToday",
        media: [],
        scheduled_at: new Date(NOW).toISOString(),
      },
    });
  });

  it("keeps the delivery id across retries so receivers can drop duplicates", async () => {
    standin.failNext("/webhook/receiver", 502);
    await expect(webhookAdapter.publish(post(), ctx())).rejects.toBeInstanceOf(PlatformError);
    await webhookAdapter.publish(post(), ctx({ now: () => NOW + 60_000 }));

    const ids = standin.requests.map((r) => r.headers["webhook-id"]);
    expect(ids).toEqual([post().postId, post().postId]);
    const [first, second] = standin.requests;
    expect(second?.headers["webhook-signature"]).not.toBe(first?.headers["webhook-signature"]);
  });

  it("reports the status of a refusal but never the endpoint's own body", async () => {
    standin.failNext("/webhook/receiver", 422, 1, {}, `internal secret ${"x".repeat(400)}`);
    const error = await webhookAdapter.publish(post(), ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    const { kind, message } = error as PlatformError;
    expect(kind).toBe("permanent");
    expect(message).toContain("422");
    expect(message).not.toContain("secret");
  });

  it("does not follow a redirect to another address", async () => {
    standin.failNext("/webhook/receiver", 302, 1, { Location: "http://127.0.0.1:9/" });
    const error = await webhookAdapter.publish(post(), ctx()).catch((e: unknown) => e);
    expect((error as PlatformError).kind).toBe("permanent");
    expect(standin.requests).toHaveLength(1);
  });

  it("has no metrics", async () => {
    const error = await webhookAdapter.fetchMetrics("post_1", ctx()).catch((e: unknown) => e);
    expect((error as PlatformError).kind).toBe("permanent");
  });
});

describe("webhook rules and credentials", () => {
  it("needs non-empty text", () => {
    expect(webhookAdapter.validate({ text: " ", media: [] })).toHaveLength(1);
    expect(webhookAdapter.validate({ text: "ok", media: [] })).toEqual([]);
  });

  it("refuses a signing secret that is not whsec_ and base64", () => {
    const parse = (signing_secret: string) =>
      webhookAdapter.credentialsSchema.safeParse({ url: CREDENTIALS.url, signing_secret }).success;
    expect(parse(CREDENTIALS.signing_secret)).toBe(true);
    expect(parse("plain-secret")).toBe(false);
    expect(parse("whsec_***")).toBe(false);
  });
});
