import { z } from "@hono/zod-openapi";
import {
  type MetricsSnapshot,
  type PlatformAdapter,
  PlatformError,
  type PublishContext,
  type PublishResult,
  type RuleViolation,
} from "./adapter";
import {
  callPlatform,
  countField,
  missingField,
  platformUrl,
  readCredentials,
  readJson,
  stringField,
} from "./platform-request";
import { X_MAX_WEIGHTED_LENGTH, xTextLength } from "./x-text-length";

const MAX_MEDIA = 4;
// Post and user ids are 64-bit integers that a JavaScript number would round, so they stay
// strings.
const X_ID = /^\d{1,20}$/;
// Key in PublishContext.state: when the first attempt to post began, in epoch milliseconds.
const ATTEMPT_AT = "x_attempt_at";
// How many recent posts a retry reads: our attempts run minutes apart, not days.
const RECENT_POSTS = 10;
// X's clock and ours may disagree a little about when the first attempt began.
const CLOCK_SLACK_MS = 60_000;

const credentialsSchema = z.object({ access_token: z.string().min(1) });

function headers(ctx: PublishContext): Record<string, string> {
  const { access_token } = readCredentials("X", credentialsSchema, ctx);
  return { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" };
}

function validate(post: { text: string; media: unknown[] }): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const length = xTextLength(post.text);
  if (post.text.trim() === "") {
    violations.push({ field: "text", message: "X needs some text" });
  } else if (length > X_MAX_WEIGHTED_LENGTH) {
    violations.push({
      field: "text",
      message: `X allows ${X_MAX_WEIGHTED_LENGTH} characters as X counts them; this has ${length}`,
    });
  }
  if (post.media.length > MAX_MEDIA) {
    violations.push({ field: "media", message: `X allows at most ${MAX_MEDIA} media items` });
  }
  return violations;
}

// X has no idempotency key, so a retry after a lost answer looks for the post among the
// account's recent posts before posting; X's duplicate-content refusal backs that check up.
async function publish(
  post: { text: string; media: unknown[] },
  ctx: PublishContext,
): Promise<PublishResult> {
  // Media must first go through X's media upload endpoints, which this adapter does not call
  // yet, so X gets the text alone; refusing media would make content for Instagram (which
  // needs an image) and X impossible to schedule together.
  const auth = headers(ctx);
  const firstAttemptAt = ctx.state[ATTEMPT_AT];
  if (firstAttemptAt) {
    const earlier = await findEarlierPost(post.text, firstAttemptAt, ctx);
    if (earlier) return earlier;
  } else {
    // Saved before the post goes out, so an answer lost after X acted still leaves the mark.
    await ctx.saveState({ ...ctx.state, [ATTEMPT_AT]: `${ctx.now()}` });
  }
  try {
    return await createPost(post.text, auth, ctx);
  } catch (error) {
    if (!firstAttemptAt || !isDuplicateRefusal(error)) throw error;
    return recoverDuplicate(post.text, firstAttemptAt, ctx);
  }
}

async function createPost(
  text: string,
  auth: Record<string, string>,
  ctx: PublishContext,
): Promise<PublishResult> {
  const res = await callPlatform("twitter", ctx, platformUrl(ctx, "/2/tweets"), {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ text }),
  });
  const body = await readJson("twitter", res, ctx.timeoutMs);
  const id = stringField(body?.data, "id");
  if (!id || !X_ID.test(id)) throw missingField("X", "a post id", res.status);
  return result(id);
}

function result(id: string): PublishResult {
  return { externalId: id, url: `https://x.com/i/web/status/${id}` };
}

function isDuplicateRefusal(error: unknown): boolean {
  return (
    error instanceof PlatformError &&
    error.kind === "permanent" &&
    error.status === 403 &&
    error.message.includes("duplicate content")
  );
}

// On a retry X refuses our text as a duplicate most likely because an earlier attempt posted
// it; the timeline may just have lagged behind the first look, so it gets a second one.
async function recoverDuplicate(
  text: string,
  firstAttemptAt: string,
  ctx: PublishContext,
): Promise<PublishResult> {
  const earlier = await findEarlierPost(text, firstAttemptAt, ctx);
  if (earlier) return earlier;
  throw new PlatformError(
    "permanent",
    "X refused the text as a duplicate, and no post with it was found among the account's " +
      "posts since the first attempt, which may have published it; check the account",
    403,
  );
}

// Null when nothing matches, or when the check cannot run at all (a scope the token lacks):
// posting is then still safe, since X refuses a duplicate. A transient failure is worth a
// retry, and a refused token would fail the post anyway, so those propagate.
async function findEarlierPost(
  text: string,
  firstAttemptAt: string,
  ctx: PublishContext,
): Promise<PublishResult | null> {
  try {
    const userId = await authenticatedUserId(ctx);
    const id = await findRecentPost(text, userId, firstAttemptAt, ctx);
    return id ? result(id) : null;
  } catch (error) {
    if (error instanceof PlatformError && error.kind === "permanent") return null;
    throw error;
  }
}

async function authenticatedUserId(ctx: PublishContext): Promise<string> {
  const res = await callPlatform("twitter", ctx, platformUrl(ctx, "/2/users/me"), {
    headers: headers(ctx),
  });
  const id = stringField((await readJson("twitter", res, ctx.timeoutMs))?.data, "id");
  if (!id || !X_ID.test(id)) throw missingField("X", "the account's user id", res.status);
  return id;
}

async function findRecentPost(
  text: string,
  userId: string,
  firstAttemptAt: string,
  ctx: PublishContext,
): Promise<string | null> {
  const since = xTime(Number(firstAttemptAt) - CLOCK_SLACK_MS);
  const url = platformUrl(ctx, `/2/users/${userId}/tweets`, {
    max_results: `${RECENT_POSTS}`,
    ...(since ? { start_time: since } : {}),
    "tweet.fields": "created_at,text",
  });
  const res = await callPlatform("twitter", ctx, url, { headers: headers(ctx) });
  const body = await readJson("twitter", res, ctx.timeoutMs);
  // X leaves `data` out when the account posted nothing in the window.
  const posts: unknown[] = Array.isArray(body?.data) ? body.data : [];
  const match = posts.find((item) => unescapeText(stringField(item, "text")) === text.trim());
  const id = stringField(match, "id");
  return id && X_ID.test(id) ? id : null;
}

// X documents start_time as YYYY-MM-DDTHH:mm:ssZ, without milliseconds.
function xTime(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// X returns &, < and > in post text as HTML entities. Links come back shortened to t.co, so
// text with a link never matches and such a post falls to the duplicate refusal instead.
function unescapeText(value: string | null): string {
  return (value ?? "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&")
    .trim();
}

async function fetchMetrics(externalId: string, ctx: PublishContext): Promise<MetricsSnapshot> {
  const url = platformUrl(ctx, `/2/tweets/${encodeURIComponent(externalId)}`, {
    "tweet.fields": "public_metrics",
  });
  const res = await callPlatform("twitter", ctx, url, { headers: headers(ctx) });
  const body = await readJson("twitter", res, ctx.timeoutMs);
  const data = body?.data as Record<string, unknown> | undefined;
  // X answers 200 with only `errors` for a post it cannot find (deleted, or protected).
  if (!data?.public_metrics) throw missingField("X", "public metrics for the post", res.status);
  const metrics = data.public_metrics;
  return {
    impressions: countField(metrics, "impression_count"),
    reach: 0,
    clicks: 0,
    likes: countField(metrics, "like_count"),
    comments: countField(metrics, "reply_count"),
    shares: countField(metrics, "retweet_count") + countField(metrics, "quote_count"),
    saves: countField(metrics, "bookmark_count"),
  };
}

export const twitterAdapter: PlatformAdapter = {
  platform: "twitter",
  credentialsSchema,
  validate,
  publish,
  fetchMetrics,
};
