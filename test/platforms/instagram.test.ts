import { beforeEach, describe, expect, it } from "vitest";
import { PlatformError } from "../../src/platforms/adapter";
import { createInstagramAdapter, instagramAdapter } from "../../src/platforms/instagram";
import { createStandin, type Standin } from "../../standin/src/handler";
import { outgoingPost, publishContext } from "./publish-context";

const BASE = "http://standin.test/instagram";
const IG_USER = "17841400000000001";
const CREDENTIALS = { access_token: "ig-token", ig_user_id: IG_USER };
const IMAGE = { url: "https://cdn.example.com/launch.jpg", type: "image" as const };
const VIDEO = { url: "https://cdn.example.com/launch.mp4", type: "video" as const };

let standin: Standin;
let sleeps: number[];
// Polls without waiting, so the tests measure the sequence rather than the clock.
const adapter = () =>
  createInstagramAdapter({
    statusChecks: 4,
    checkIntervalMs: 1500,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });

beforeEach(() => {
  standin = createStandin();
  sleeps = [];
});

const ctx = (overrides = {}) => publishContext(standin.fetch, BASE, CREDENTIALS, overrides);
const post = (overrides = {}) =>
  outgoingPost({
    platform: "instagram",
    text: "Launch day #momentik",
    media: [IMAGE],
    ...overrides,
  });
const calls = () => standin.requests.map((r) => `${r.method} ${r.path}`);

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe("Instagram publish", () => {
  it("creates a container, polls it until FINISHED, then publishes it", async () => {
    standin.instagram.checksUntilFinished = 2;
    const context = ctx();
    const requestsAtFirstSave: number[] = [];
    const save = context.saveState;
    context.saveState = async (state) => {
      requestsAtFirstSave.push(standin.requests.length);
      await save(state);
    };

    const result = await adapter().publish(post(), context);

    expect(calls()).toEqual([
      `POST /instagram/${IG_USER}/media`,
      "GET /instagram/17900000000000001",
      "GET /instagram/17900000000000001",
      "GET /instagram/17900000000000001",
      `POST /instagram/${IG_USER}/media_publish`,
      "GET /instagram/17900000000000002",
    ]);
    // The container id is saved before its status is read.
    expect(requestsAtFirstSave[0]).toBe(1);
    expect(context.saves[0]).toMatchObject({ ig_container_id: "17900000000000001" });
    expect(sleeps).toEqual([1500, 1500]);
    expect(result).toEqual({
      externalId: "17900000000000002",
      url: "https://www.instagram.com/p/standin17900000000000002/",
    });
    expect(context.state.ig_media_id).toBe("17900000000000002");
  });

  it("sends the documented container parameters", async () => {
    await adapter().publish(post(), ctx());

    const [create, status, publish] = standin.requests;
    const form = new URLSearchParams(create?.body);
    expect(Object.fromEntries(form)).toEqual({
      image_url: IMAGE.url,
      caption: "Launch day #momentik",
      access_token: "ig-token",
    });
    expect(create?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    const statusUrl = new URL(status?.url ?? "");
    expect(statusUrl.searchParams.get("fields")).toContain("status_code");
    expect(statusUrl.searchParams.get("access_token")).toBe("ig-token");
    expect(Object.fromEntries(new URLSearchParams(publish?.body))).toEqual({
      creation_id: "17900000000000001",
      access_token: "ig-token",
    });
  });

  it("publishes a video as a reel", async () => {
    await adapter().publish(post({ media: [VIDEO] }), ctx());
    const form = new URLSearchParams(standin.requests[0]?.body);
    expect(form.get("media_type")).toBe("REELS");
    expect(form.get("video_url")).toBe(VIDEO.url);
    expect(form.has("image_url")).toBe(false);
  });

  it("leaves a container still processing to a retry, which reuses it", async () => {
    standin.instagram.checksUntilFinished = 10;
    const context = ctx();
    const error = await failure(adapter().publish(post(), context));
    expect(error.kind).toBe("transient");
    expect(calls().filter((c) => c.endsWith("/media_publish"))).toHaveLength(0);

    standin.instagram.checksUntilFinished = 0;
    standin.instagram.setContainerStatus("17900000000000001", "FINISHED");
    const result = await adapter().publish(post(), context);

    expect(calls().filter((c) => c === `POST /instagram/${IG_USER}/media`)).toHaveLength(1);
    expect(result.externalId).toBe("17900000000000002");
  });

  it("fails permanently when Instagram could not process the media", async () => {
    standin.instagram.checksUntilFinished = 10;
    const context = ctx();
    await failure(adapter().publish(post(), context));
    standin.instagram.setContainerStatus("17900000000000001", "ERROR");

    const error = await failure(adapter().publish(post(), context));
    expect(error.kind).toBe("permanent");
    expect(error.message).toContain("processing failed");
  });

  it("fails permanently for an expired container", async () => {
    standin.instagram.checksUntilFinished = 10;
    const context = ctx();
    await failure(adapter().publish(post(), context));
    standin.instagram.setContainerStatus("17900000000000001", "EXPIRED");

    const error = await failure(adapter().publish(post(), context));
    expect(error.kind).toBe("permanent");
    expect(error.message).toContain("expired");
  });

  it("does not publish twice when the publish answer was lost to a timeout", async () => {
    standin.delayNext("/media_publish", 5_000);
    const context = ctx({ timeoutMs: 100 });

    const error = await failure(adapter().publish(post(), context));
    expect(error.kind).toBe("transient");
    expect(standin.instagram.media).toHaveLength(1);

    const result = await adapter().publish(post(), context);

    expect(calls().filter((c) => c.endsWith("/media_publish"))).toHaveLength(1);
    expect(standin.instagram.media).toHaveLength(1);
    expect(result.externalId).toBe(standin.instagram.media[0]?.id);
    expect(result.url).toBe(standin.instagram.media[0]?.permalink);
    const listing = standin.requests.find(
      (r) => r.path === `/instagram/${IG_USER}/media` && r.method === "GET",
    );
    expect(new URL(listing?.url ?? "").searchParams.get("fields")).toBe("id,caption,timestamp");
    expect(context.state.ig_media_id).toBe(result.externalId);
  });

  it("answers from saved state when the media id was recorded", async () => {
    const context = ctx();
    await adapter().publish(post(), context);
    const before = standin.requests.length;

    const result = await adapter().publish(post(), context);

    expect(calls().slice(before)).toEqual(["GET /instagram/17900000000000002"]);
    expect(result.externalId).toBe("17900000000000002");
  });

  it("returns without publishing again when the published post cannot be found", async () => {
    standin.delayNext("/media_publish", 5_000);
    const context = ctx({ timeoutMs: 100 });
    await failure(adapter().publish(post(), context));
    standin.instagram.media.length = 0;

    const result = await adapter().publish(post(), context);

    expect(result).toEqual({ externalId: "17900000000000001", url: null });
    expect(calls().filter((c) => c.endsWith("/media_publish"))).toHaveLength(1);
  });

  it("finds the post when a retry kept the container but lost the media id", async () => {
    await adapter().publish(post(), ctx());
    const replay = ctx({ state: { ig_container_id: "17900000000000001" } });

    const result = await adapter().publish(post(), replay);

    expect(result.externalId).toBe("17900000000000002");
    expect(calls().filter((c) => c.endsWith("/media_publish"))).toHaveLength(1);
  });

  it("recognises a publish refused because the container is already out", async () => {
    // Another attempt publishes the container between this one's status read and its publish.
    const racing: typeof fetch = async (input, init) => {
      const url = String(input);
      if (url.endsWith("/media_publish")) await standin.fetch(input, init);
      return standin.fetch(input, init);
    };
    const context = publishContext(racing, BASE, CREDENTIALS);

    const result = await adapter().publish(post(), context);

    expect(result.externalId).toBe("17900000000000002");
    expect(standin.instagram.media).toHaveLength(1);
  });

  it("publishes without a link when the permalink cannot be read", async () => {
    standin.failNext("GET /instagram/17900000000000002", 500);
    const result = await adapter().publish(post(), ctx());
    expect(result).toEqual({ externalId: "17900000000000002", url: null });
  });

  it("treats Graph error 190 as an auth failure", async () => {
    const body = JSON.stringify({
      error: { message: "Error validating access token", type: "OAuthException", code: 190 },
    });
    standin.failNext("/media", 400, 1, {}, body);
    const error = await failure(adapter().publish(post(), ctx()));
    expect(error.kind).toBe("auth");
    expect(error.message).toContain("Error validating access token");
  });

  it("treats Graph throttling (code 4) as transient", async () => {
    const body = JSON.stringify({
      error: { message: "Application request limit reached", type: "OAuthException", code: 4 },
    });
    standin.failNext("/media", 400, 1, {}, body);
    const error = await failure(adapter().publish(post(), ctx()));
    expect(error.kind).toBe("transient");
  });

  it("passes on Graph's reason for other refusals", async () => {
    const body = JSON.stringify({
      error: { message: "Only photo or video can be accepted as media type.", code: 9004 },
    });
    standin.failNext("/media", 400, 1, {}, body);
    const error = await failure(adapter().publish(post(), ctx()));
    expect(error.kind).toBe("permanent");
    expect(error.message).toBe("Only photo or video can be accepted as media type.");
  });
});

describe("Instagram rules", () => {
  const validate = (text: string, media = [IMAGE]) => instagramAdapter.validate({ text, media });
  const tags = (n: number) => Array.from({ length: n }, (_, i) => `#tag${i}`).join(" ");

  it("accepts 30 hashtags and refuses 31", () => {
    expect(validate(tags(30))).toEqual([]);
    const violations = validate(tags(31));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("at most 30 hashtags");
  });

  it("refuses a post without media", () => {
    expect(validate("hello", [])).toEqual([
      { field: "media", message: "Instagram needs an image or a video" },
    ]);
  });

  it("accepts a 2200-character caption and refuses 2201", () => {
    expect(validate("a".repeat(2200))).toEqual([]);
    const violations = validate("a".repeat(2201));
    expect(violations[0]?.field).toBe("text");
    expect(violations[0]?.message).toContain("2201");
  });

  it("refuses carousels for now", () => {
    expect(validate("hi", [IMAGE, IMAGE])[0]?.message).toContain("carousels are not supported");
  });

  it("needs https media, except on localhost", () => {
    const http = { url: "http://cdn.example.com/a.jpg", type: "image" as const };
    const local = { url: "http://127.0.0.1:8788/a.jpg", type: "image" as const };
    expect(validate("hi", [http])).toEqual([
      { field: "media[0].url", message: "Instagram needs an https media URL" },
    ]);
    expect(validate("hi", [local])).toEqual([]);
  });
});

describe("Instagram metrics", () => {
  it("reads the media's insights", async () => {
    const { externalId } = await adapter().publish(post(), ctx());
    const metrics = await instagramAdapter.fetchMetrics(externalId, ctx());

    const url = new URL(standin.requests.at(-1)?.url ?? "");
    expect(url.pathname).toBe(`/instagram/${externalId}/insights`);
    expect(url.searchParams.get("metric")).toBe("views,reach,likes,comments,shares,saved");
    expect(metrics).toEqual({
      impressions: 10,
      reach: 20,
      clicks: 0,
      likes: 30,
      comments: 40,
      shares: 50,
      saves: 60,
    });
  });
});
