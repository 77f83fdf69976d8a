import { z } from "@hono/zod-openapi";
import type { MetricsSnapshot, PlatformAdapter, PublishContext, RuleViolation } from "./adapter";
import {
  callPlatform,
  countField,
  missingField,
  platformUrl,
  readCredentials,
  readJson,
} from "./platform-request";

// LinkedIn sunsets each monthly version about a year after release (202501 already is), so
// this moves forward with LinkedIn's versioning page.
export const LINKEDIN_VERSION = "202607";
const MAX_COMMENTARY = 3000;
const POST_URN = /^urn:li:(share|ugcPost):\d+$/;

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

async function publish(
  post: { text: string; media: unknown[] },
  ctx: PublishContext,
): Promise<{ externalId: string; url: string }> {
  // Images and videos need LinkedIn's multi-step upload (initializeUpload, PUT, then the post),
  // which is not built yet, so LinkedIn gets the text alone. Refusing media outright would make
  // content for Instagram (which needs an image) and LinkedIn impossible to schedule together.
  const { author_urn } = readCredentials("LinkedIn", credentialsSchema, ctx);
  const res = await callPlatform("linkedin", ctx, platformUrl(ctx, "/rest/posts"), {
    method: "POST",
    headers: headers(ctx),
    body: JSON.stringify({
      author: author_urn,
      commentary: post.text,
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
  return { externalId: urn, url: `https://www.linkedin.com/feed/update/${urn}/` };
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
