import { beforeEach, describe, expect, it } from "vitest";
import { PlatformError } from "../../src/platforms/adapter";
import { LINKEDIN_VERSION, linkedinAdapter } from "../../src/platforms/linkedin";
import { createStandin, type Standin } from "../../standin/src/handler";
import { NOW, outgoingPost, publishContext, type TestContext } from "./publish-context";

const BASE = "http://standin.test/linkedin";
const CREDENTIALS = { access_token: "li-token", author_urn: "urn:li:person:8675309" };

let standin: Standin;
beforeEach(() => {
  standin = createStandin();
  // The stand-in stamps posts with the same clock the publish context reads.
  standin.linkedin.now = () => NOW;
});

const ctx = (overrides = {}) => publishContext(standin.fetch, BASE, CREDENTIALS, overrides);
const post = (text = "Hiring: platform engineers") => outgoingPost({ platform: "linkedin", text });
const calls = () => standin.requests.map((r) => `${r.method} ${r.path}`);
const creates = () => calls().filter((c) => c === "POST /linkedin/rest/posts");

// The first attempt posts, but its answer arrives after the 100 ms the context waits.
async function loseAnswer(): Promise<TestContext> {
  standin.delayNext("POST /linkedin/rest/posts", 5_000);
  const context = ctx({ timeoutMs: 100 });
  const error = await failure(linkedinAdapter.publish(post(), context));
  expect(error.kind).toBe("transient");
  expect(standin.linkedin.posts).toHaveLength(1);
  return context;
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe("LinkedIn publish", () => {
  it("sends the documented Posts API headers and body", async () => {
    await linkedinAdapter.publish(post(), ctx());

    const [request] = standin.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("http://standin.test/linkedin/rest/posts");
    expect(request?.headers).toMatchObject({
      authorization: "Bearer li-token",
      "linkedin-version": LINKEDIN_VERSION,
      "x-restli-protocol-version": "2.0.0",
      "content-type": "application/json",
    });
    expect(LINKEDIN_VERSION).toMatch(/^\d{6}$/);
    expect(JSON.parse(request?.body ?? "")).toEqual({
      author: "urn:li:person:8675309",
      commentary: "Hiring: platform engineers",
      visibility: "PUBLIC",
      distribution: {
        feedDistribution: "MAIN_FEED",
        targetEntities: [],
        thirdPartyDistributionChannels: [],
      },
      lifecycleState: "PUBLISHED",
      isReshareDisabledByAuthor: false,
    });
  });

  // LinkedIn's media upload is not built yet (a documented gap): the post goes out as text.
  it("posts the commentary alone when the post carries media", async () => {
    const media = [{ url: "https://cdn.example.com/a.png", type: "image" as const }];
    const result = await linkedinAdapter.publish(
      outgoingPost({ platform: "linkedin", text: "With a picture", media }),
      ctx(),
    );

    expect(result.externalId).toBe("urn:li:share:7300000000000000001");
    expect(standin.requests).toHaveLength(1);
    const body = JSON.parse(standin.requests[0]?.body ?? "");
    expect(body).toMatchObject({ author: "urn:li:person:8675309", commentary: "With a picture" });
    expect(body).not.toHaveProperty("content");
    expect(standin.requests[0]?.body).not.toContain("cdn.example.com");
  });

  it("takes the post URN from x-restli-id and links to the feed update", async () => {
    const result = await linkedinAdapter.publish(post(), ctx());
    expect(result).toEqual({
      externalId: "urn:li:share:7300000000000000001",
      url: "https://www.linkedin.com/feed/update/urn:li:share:7300000000000000001/",
    });
  });

  it("posts as an organization when the account is one", async () => {
    const credentials = { ...CREDENTIALS, author_urn: "urn:li:organization:2414183" };
    await linkedinAdapter.publish(post(), publishContext(standin.fetch, BASE, credentials));
    expect(JSON.parse(standin.requests[0]?.body ?? "").author).toBe("urn:li:organization:2414183");
  });

  it("fails permanently when LinkedIn answers without a URN", async () => {
    const fetcher = async () => new Response(null, { status: 201 });
    const error = await failure(
      linkedinAdapter.publish(post(), publishContext(fetcher, BASE, CREDENTIALS)),
    );
    expect(error.kind).toBe("permanent");
  });

  it("turns 401 into an auth failure with LinkedIn's message", async () => {
    const body = JSON.stringify({
      status: 401,
      serviceErrorCode: 65600,
      message: "Invalid access token",
    });
    standin.failNext("/linkedin/rest/posts", 401, 1, {}, body);
    const error = await failure(linkedinAdapter.publish(post(), ctx()));
    expect(error.kind).toBe("auth");
    expect(error.message).toContain("Invalid access token");
  });

  it("turns a 4xx into a permanent failure with LinkedIn's message", async () => {
    const body = JSON.stringify({
      status: 422,
      message: "Content is a duplicate of urn:li:share:1",
    });
    standin.failNext("/linkedin/rest/posts", 422, 1, {}, body);
    const error = await failure(linkedinAdapter.publish(post(), ctx()));
    expect(error.kind).toBe("permanent");
    expect(error.message).toBe("Content is a duplicate of urn:li:share:1");
  });

  it("turns 504 into a transient failure", async () => {
    standin.failNext("/linkedin/rest/posts", 504);
    const error = await failure(linkedinAdapter.publish(post(), ctx()));
    expect(error.kind).toBe("transient");
    expect(error.retryAfterSeconds).toBeNull();
  });
});

describe("LinkedIn lost answers", () => {
  it("saves when the first attempt began before posting", async () => {
    const context = ctx();
    const requestsAtSave: number[] = [];
    const save = context.saveState;
    context.saveState = async (state) => {
      requestsAtSave.push(standin.requests.length);
      await save(state);
    };

    await linkedinAdapter.publish(post(), context);

    expect(requestsAtSave).toEqual([0]);
    expect(context.saves).toEqual([{ li_attempt_at: `${NOW}` }]);
  });

  it("finds the post of an attempt whose answer was lost instead of posting again", async () => {
    const context = await loseAnswer();

    const result = await linkedinAdapter.publish(post(), context);

    const urn = standin.linkedin.posts[0]?.id;
    expect(result).toEqual({
      externalId: urn,
      url: `https://www.linkedin.com/feed/update/${urn}/`,
    });
    expect(calls()).toEqual(["POST /linkedin/rest/posts", "GET /linkedin/rest/posts"]);
    const lookup = standin.requests[1];
    expect(lookup?.url).toBe(
      "http://standin.test/linkedin/rest/posts" +
        "?q=author&author=urn%3Ali%3Aperson%3A8675309&count=10&sortBy=LAST_MODIFIED",
    );
    expect(lookup?.headers).toMatchObject({
      authorization: "Bearer li-token",
      "linkedin-version": LINKEDIN_VERSION,
      "x-restli-protocol-version": "2.0.0",
    });
  });

  it("posts normally on a retry that finds nothing", async () => {
    standin.failNext("POST /linkedin/rest/posts", 503);
    const context = ctx();
    await failure(linkedinAdapter.publish(post(), context));

    const result = await linkedinAdapter.publish(post(), context);

    expect(result.externalId).toBe("urn:li:share:7300000000000000001");
    expect(calls()).toEqual([
      "POST /linkedin/rest/posts",
      "GET /linkedin/rest/posts",
      "POST /linkedin/rest/posts",
    ]);
    expect(context.saves).toHaveLength(1);
  });

  it("leaves a lookup that fails with 503 to a retry without posting", async () => {
    const context = await loseAnswer();
    standin.failNext("GET /linkedin/rest/posts", 503);

    const error = await failure(linkedinAdapter.publish(post(), context));
    expect(error.kind).toBe("transient");
    expect(creates()).toHaveLength(1);

    const result = await linkedinAdapter.publish(post(), context);
    expect(result.externalId).toBe(standin.linkedin.posts[0]?.id);
    expect(creates()).toHaveLength(1);
  });

  it("does not take the same text posted before the first attempt for this post", async () => {
    standin.linkedin.now = () => NOW - 3_600_000;
    await linkedinAdapter.publish(post(), ctx());
    standin.linkedin.now = () => NOW;
    standin.failNext("POST /linkedin/rest/posts", 503);
    const context = ctx();
    await failure(linkedinAdapter.publish(post(), context));

    const result = await linkedinAdapter.publish(post(), context);

    expect(result.externalId).toBe("urn:li:share:7300000000000000002");
    expect(standin.linkedin.posts).toHaveLength(2);
  });

  it("posts again, as before, when reading the author's posts is not permitted", async () => {
    const context = await loseAnswer();
    const denied = JSON.stringify({
      status: 403,
      code: "ACCESS_DENIED",
      message: "Not enough permissions",
    });
    standin.failNext("GET /linkedin/rest/posts", 403, 1, {}, denied);

    await linkedinAdapter.publish(post(), context);

    expect(creates()).toHaveLength(2);
  });
});

describe("LinkedIn rules", () => {
  it("accepts 3000 characters and refuses 3001", () => {
    expect(linkedinAdapter.validate({ text: "a".repeat(3000), media: [] })).toEqual([]);
    const violations = linkedinAdapter.validate({ text: "a".repeat(3001), media: [] });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("3001");
  });

  it("accepts media (it is not sent yet, see the publish tests)", () => {
    const media = [{ url: "https://cdn.example.com/a.png", type: "image" as const }];
    expect(linkedinAdapter.validate({ text: "hi", media })).toEqual([]);
  });

  it("refuses an author that is not a person or organization URN", () => {
    const parsed = linkedinAdapter.credentialsSchema.safeParse({
      access_token: "t",
      author_urn: "8675309",
    });
    expect(parsed.success).toBe(false);
  });
});

describe("LinkedIn metrics", () => {
  it("reads likes and comments from socialActions", async () => {
    const { externalId } = await linkedinAdapter.publish(post(), ctx());
    const metrics = await linkedinAdapter.fetchMetrics(externalId, ctx());

    const request = standin.requests.at(-1);
    expect(request?.path).toBe(`/linkedin/rest/socialActions/${encodeURIComponent(externalId)}`);
    expect(request?.headers["linkedin-version"]).toBe(LINKEDIN_VERSION);
    expect(metrics).toMatchObject({ likes: 5, comments: 3, impressions: 0 });
  });
});
