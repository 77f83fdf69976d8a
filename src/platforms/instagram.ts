import { z } from "@hono/zod-openapi";
import {
  type MetricsSnapshot,
  type OutgoingPost,
  type PlatformAdapter,
  PlatformError,
  type PublishContext,
  type PublishResult,
} from "./adapter";
import { validateInstagram } from "./instagram-rules";
import {
  callPlatform,
  countField,
  missingField,
  platformUrl,
  readCredentials,
  readJson,
  stringField,
} from "./platform-request";

// The base URL carries the Graph API version (e.g. https://graph.facebook.com/v24.0).

export type InstagramOptions = {
  // How many times one attempt reads the container's status before leaving it to a retry.
  statusChecks: number;
  checkIntervalMs: number;
  // How far back a retry looks for a post whose publish answer was lost.
  recentMediaLimit: number;
  sleep(ms: number): Promise<void>;
};

const DEFAULTS: InstagramOptions = {
  statusChecks: 5,
  checkIntervalMs: 2000,
  recentMediaLimit: 25,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

// Keys this adapter keeps in PublishContext.state between attempts.
const CONTAINER_ID = "ig_container_id";
const CONTAINER_CREATED_AT = "ig_container_created_at";
const MEDIA_ID = "ig_media_id";
// Instagram's clock and ours may disagree a little when matching a post by its time.
const CLOCK_SLACK_MS = 5 * 60_000;
const INSIGHT_METRICS = "views,reach,likes,comments,shares,saved";

const credentialsSchema = z.object({
  access_token: z.string().min(1),
  ig_user_id: z.string().regex(/^\d+$/),
});
type Credentials = z.infer<typeof credentialsSchema>;

export function createInstagramAdapter(options: Partial<InstagramOptions> = {}): PlatformAdapter {
  const settings = { ...DEFAULTS, ...options };
  return {
    platform: "instagram",
    credentialsSchema,
    validate: validateInstagram,
    publish: (post, ctx) => new InstagramPublish(post, ctx, settings).run(),
    fetchMetrics,
  };
}

export const instagramAdapter = createInstagramAdapter();

// Instagram has no idempotency key. The container id is saved before anything else, so a
// retry asks Instagram what became of that container instead of creating another post.
class InstagramPublish {
  private readonly credentials: Credentials;
  private readonly state: Record<string, string>;

  constructor(
    private readonly post: OutgoingPost,
    private readonly ctx: PublishContext,
    private readonly options: InstagramOptions,
  ) {
    this.credentials = readCredentials("Instagram", credentialsSchema, ctx);
    this.state = { ...ctx.state };
  }

  async run(): Promise<PublishResult> {
    const knownMedia = this.state[MEDIA_ID];
    if (knownMedia) return this.result(knownMedia);

    let containerId = this.state[CONTAINER_ID];
    if (!containerId) {
      containerId = await this.createContainer();
      await this.save({ [CONTAINER_ID]: containerId, [CONTAINER_CREATED_AT]: `${this.ctx.now()}` });
    }

    const status = await this.waitUntilReady(containerId);
    if (status === "PUBLISHED") return this.recover(containerId);

    const mediaId = await this.publishContainer(containerId);
    if (!mediaId) return this.recover(containerId);
    await this.save({ [MEDIA_ID]: mediaId });
    return this.result(mediaId);
  }

  private async createContainer(): Promise<string> {
    const item = this.post.media[0];
    if (!item || this.post.media.length > 1) {
      throw new PlatformError("permanent", "Instagram needs exactly one image or video");
    }
    const params: Record<string, string> =
      item.type === "video"
        ? { media_type: "REELS", video_url: item.url }
        : { image_url: item.url };
    const res = await callPlatform("instagram", this.ctx, this.userUrl("/media"), {
      method: "POST",
      body: new URLSearchParams({
        ...params,
        caption: this.post.text,
        access_token: this.credentials.access_token,
      }),
    });
    const id = stringField(await readJson("instagram", res, this.ctx.timeoutMs), "id");
    // Nothing is published until media_publish, so creating another container is harmless.
    if (!id) throw new PlatformError("transient", "Instagram created no media container");
    return id;
  }

  private async waitUntilReady(containerId: string): Promise<"FINISHED" | "PUBLISHED"> {
    for (let check = 1; ; check++) {
      const { code, detail } = await this.containerStatus(containerId);
      if (code === "FINISHED" || code === "PUBLISHED") return code;
      if (code === "ERROR" || code === "EXPIRED") {
        const why = code === "EXPIRED" ? "expired before it was published" : "failed";
        throw new PlatformError("permanent", `Instagram media processing ${why}${detail}`);
      }
      if (check >= this.options.statusChecks) break;
      await this.options.sleep(this.options.checkIntervalMs);
    }
    // Videos can take minutes; the queue retries later and finds the same container.
    throw new PlatformError("transient", "Instagram is still processing the media");
  }

  private async containerStatus(containerId: string): Promise<{ code: string; detail: string }> {
    const url = this.graphUrl(`/${containerId}`, { fields: "status_code,status" });
    const res = await callPlatform("instagram", this.ctx, url);
    const body = await readJson("instagram", res, this.ctx.timeoutMs);
    const status = stringField(body, "status");
    return { code: stringField(body, "status_code") ?? "", detail: status ? ` (${status})` : "" };
  }

  // Returns null when the container turns out to be published already.
  private async publishContainer(containerId: string): Promise<string | null> {
    let res: Response;
    try {
      res = await callPlatform("instagram", this.ctx, this.userUrl("/media_publish"), {
        method: "POST",
        body: new URLSearchParams({
          creation_id: containerId,
          access_token: this.credentials.access_token,
        }),
      });
    } catch (error) {
      // Instagram refuses to publish a container twice; if that is why, it is already out.
      if (error instanceof PlatformError && error.kind === "permanent") {
        const after = await this.containerStatus(containerId).catch(() => null);
        if (after?.code === "PUBLISHED") return null;
      }
      throw error;
    }
    return stringField(await readJson("instagram", res, this.ctx.timeoutMs), "id");
  }

  // The container went out on an earlier attempt whose answer was lost: find the post by its
  // caption among the account's recent media rather than publish it again.
  private async recover(containerId: string): Promise<PublishResult> {
    const mediaId = await this.findRecentMedia();
    if (!mediaId) {
      // The post exists but cannot be identified; the container id is the closest handle.
      return { externalId: containerId, url: null };
    }
    await this.save({ [MEDIA_ID]: mediaId });
    return this.result(mediaId);
  }

  private async findRecentMedia(): Promise<string | null> {
    const url = this.graphUrl(`/${this.credentials.ig_user_id}/media`, {
      fields: "id,caption,timestamp",
      limit: `${this.options.recentMediaLimit}`,
    });
    let body: Record<string, unknown> | null;
    try {
      const res = await callPlatform("instagram", this.ctx, url);
      body = await readJson("instagram", res, this.ctx.timeoutMs);
    } catch (error) {
      // Only a retry that can still find the id is worth it; the post is out either way.
      if (error instanceof PlatformError && error.kind === "transient") throw error;
      return null;
    }
    const since = Number(this.state[CONTAINER_CREATED_AT]) - CLOCK_SLACK_MS;
    const items = Array.isArray(body?.data) ? body.data : [];
    const match = items.find((item: unknown) => {
      const caption = stringField(item, "caption") ?? "";
      const at = parseGraphTime(stringField(item, "timestamp"));
      return caption.trim() === this.post.text.trim() && (Number.isNaN(since) || at >= since);
    });
    return stringField(match, "id");
  }

  private async result(mediaId: string): Promise<PublishResult> {
    return { externalId: mediaId, url: await permalink(mediaId, this.ctx, this.credentials) };
  }

  private async save(patch: Record<string, string>): Promise<void> {
    Object.assign(this.state, patch);
    await this.ctx.saveState({ ...this.state });
  }

  private userUrl(path: string): string {
    return platformUrl(this.ctx, `/${this.credentials.ig_user_id}${path}`);
  }

  private graphUrl(path: string, query: Record<string, string>): string {
    return platformUrl(this.ctx, path, { ...query, access_token: this.credentials.access_token });
  }
}

// The link is a convenience: the post is published whether or not it can be read back.
async function permalink(
  mediaId: string,
  ctx: PublishContext,
  credentials: Credentials,
): Promise<string | null> {
  const url = platformUrl(ctx, `/${mediaId}`, {
    fields: "permalink",
    access_token: credentials.access_token,
  });
  try {
    const res = await callPlatform("instagram", ctx, url);
    return stringField(await readJson("instagram", res, ctx.timeoutMs), "permalink");
  } catch {
    return null;
  }
}

// Graph timestamps look like 2026-08-15T10:00:00+0000, an offset Date.parse may not accept.
function parseGraphTime(value: string | null): number {
  if (!value) return Number.NaN;
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
}

async function fetchMetrics(externalId: string, ctx: PublishContext): Promise<MetricsSnapshot> {
  const { access_token } = readCredentials("Instagram", credentialsSchema, ctx);
  const url = platformUrl(ctx, `/${encodeURIComponent(externalId)}/insights`, {
    metric: INSIGHT_METRICS,
    access_token,
  });
  const res = await callPlatform("instagram", ctx, url);
  const body = await readJson("instagram", res, ctx.timeoutMs);
  if (!body || !Array.isArray(body.data)) throw missingField("Instagram", "insights", res.status);
  const values = new Map<string, number>();
  for (const entry of body.data as unknown[]) {
    const name = stringField(entry, "name");
    if (name) values.set(name, insightValue(entry));
  }
  return {
    impressions: values.get("views") ?? 0,
    reach: values.get("reach") ?? 0,
    clicks: 0,
    likes: values.get("likes") ?? 0,
    comments: values.get("comments") ?? 0,
    shares: values.get("shares") ?? 0,
    saves: values.get("saved") ?? 0,
  };
}

// Media insights carry the lifetime value in values[0].value, some newer metrics in total_value.
function insightValue(entry: unknown): number {
  const record = entry as { values?: unknown[]; total_value?: unknown };
  if (Array.isArray(record.values) && record.values.length > 0) {
    return countField(record.values[0], "value");
  }
  return countField(record.total_value, "value");
}
