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

// LinkedIn sunsets each monthly version about a year after release (202501 already is), so
// this moves forward with LinkedIn's versioning page.
export const LINKEDIN_VERSION = "202607";
const MAX_COMMENTARY = 3000;
const POST_URN = /^urn:li:(share|ugcPost):\d+$/;
// Key in PublishContext.state: when the first attempt to post began, in epoch milliseconds.
const ATTEMPT_AT = "li_attempt_at";
// How many of the author's latest posts a retry reads: our attempts run minutes apart.
const RECENT_POSTS = 10;
// LinkedIn's clock and ours may disagree a little about when the first attempt began.
const CLOCK_SLACK_MS = 60_000;

const credentialsSchema = z.object({
  access_token: z.string().min(1),
  author_urn: z.string().regex(/^urn:li:(person|organization):[A-Za-z0-9_-]+$/),
});

function headers(ctx: PublishContext): Record<string, string> {
  const { access_token } = readCredentials("LinkedIn", credentialsSchema, ctx);
  return {
    Authorization: `Bearer ${access_token}`,
    "LinkedIn-Version": LINKEDIN_VERSION,
    "X-Restli-Protocol-Version": "2.0.0",
    "Content-Type": "application/json",
  };
}

function validate(post: { text: string; media: unknown[] }): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const length = [...post.text].length;
  if (post.text.trim() === "") {
    violations.push({ field: "text", message: "LinkedIn needs some text" });
  } else if (length > MAX_COMMENTARY) {
    violations.push({
      field: "text",
      message: `LinkedIn allows ${MAX_COMMENTARY} characters; this text has ${length}`,
    });
  }
  return violations;
}

// LinkedIn has no idempotency key, so a retry after a lost answer looks for the post among
// the author's recent posts before posting again.
async function publish(
  post: { text: string; media: unknown[] },
  ctx: PublishContext,
): Promise<PublishResult> {
  // Images and videos need LinkedIn's multi-step upload (initializeUpload, PUT, then the post),
  // which is not built yet, so LinkedIn gets the text alone. Refusing media outright would make
  // content for Instagram (which needs an image) and LinkedIn impossible to schedule together.
  const { author_urn } = readCredentials("LinkedIn", credentialsSchema, ctx);
  const firstAttemptAt = ctx.state[ATTEMPT_AT];
  if (firstAttemptAt) {
    const earlier = await findEarlierPost(post.text, author_urn, Number(firstAttemptAt), ctx);
    if (earlier) return result(earlier);
  } else {
    // Saved before the post goes out, so an answer lost after LinkedIn acted still leaves it.
    await ctx.saveState({ ...ctx.state, [ATTEMPT_AT]: `${ctx.now()}` });
  }
  return result(await createPost(post.text, author_urn, ctx));
}

async function createPost(text: string, author: string, ctx: PublishContext): Promise<string> {
  const res = await callPlatform("linkedin", ctx, platformUrl(ctx, "/rest/posts"), {
    method: "POST",
    headers: headers(ctx),
    body: JSON.stringify({
      author,
      commentary: text,
      visibility: "PUBLIC",
      distribution: {
        feedDistribution: "MAIN_FEED",
        targetEntities: [],
        thirdPartyDistributionChannels: [],
      },
      lifecycleState: "PUBLISHED",
      isReshareDisabledByAuthor: false,
    }),
  });
  const urn = res.headers.get("x-restli-id")?.trim();
  if (!urn || !POST_URN.test(urn)) throw missingField("LinkedIn", "the post's URN", res.status);
  return urn;
}

function result(urn: string): PublishResult {
  return { externalId: urn, url: `https://www.linkedin.com/feed/update/${urn}/` };
}

// Null when nothing matches, or when the check cannot run at all: reading a member's posts
// needs r_member_social, which LinkedIn grants few apps, and without it a retry posts as it
// did before this check existed. A transient failure is worth a retry, and a refused token
// would fail the post anyway, so those propagate.
async function findEarlierPost(
  text: string,
  author: string,
  firstAttemptAt: number,
  ctx: PublishContext,
): Promise<string | null> {
  try {
    return await findRecentPost(text, author, firstAttemptAt, ctx);
  } catch (error) {
    if (error instanceof PlatformError && error.kind === "permanent") return null;
    throw error;
  }
}

async function findRecentPost(
  text: string,
  author: string,
  firstAttemptAt: number,
  ctx: PublishContext,
): Promise<string | null> {
  const url = platformUrl(ctx, "/rest/posts", {
    q: "author",
    author,
    count: `${RECENT_POSTS}`,
    sortBy: "LAST_MODIFIED",
  });
  const res = await callPlatform("linkedin", ctx, url, { headers: headers(ctx) });
  const body = await readJson("linkedin", res, ctx.timeoutMs);
  const posts: unknown[] = Array.isArray(body?.elements) ? body.elements : [];
  const since = firstAttemptAt - CLOCK_SLACK_MS;
  const match = posts.find((item) => isOurPost(item, text, since));
  const urn = stringField(match, "id");
  return urn && POST_URN.test(urn) ? urn : null;
}

// The commentary comes back as we sent it. The time keeps an identical post the author made
// earlier (the same content scheduled twice) from being taken for this one.
function isOurPost(item: unknown, text: string, since: number): boolean {
  if (stringField(item, "commentary") !== text) return false;
  const createdAt = Number((item as Record<string, unknown>).createdAt);
  return !Number.isFinite(since) || !Number.isFinite(createdAt) || createdAt >= since;
}

// socialActions gives likes and comments; impressions and reach need the organization or
// member analytics APIs, which need extra permissions, so they read 0 for now.
async function fetchMetrics(externalId: string, ctx: PublishContext): Promise<MetricsSnapshot> {
  const url = platformUrl(ctx, `/rest/socialActions/${encodeURIComponent(externalId)}`);
  const res = await callPlatform("linkedin", ctx, url, { headers: headers(ctx) });
  const body = await readJson("linkedin", res, ctx.timeoutMs);
  if (!body) throw missingField("LinkedIn", "social actions", res.status);
  return {
    impressions: 0,
    reach: 0,
    clicks: 0,
    likes: countField(body.likesSummary, "totalLikes"),
    comments: countField(body.commentsSummary, "aggregatedTotalComments"),
    shares: 0,
    saves: 0,
  };
}

export const linkedinAdapter: PlatformAdapter = {
  platform: "linkedin",
  credentialsSchema,
  validate,
  publish,
  fetchMetrics,
};
