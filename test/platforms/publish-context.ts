import type { OutgoingPost, PublishContext } from "../../src/platforms/adapter";

export const NOW = Date.parse("2026-09-01T12:00:00Z");

export function outgoingPost(overrides: Partial<OutgoingPost> = {}): OutgoingPost {
  return {
    postId: "post_01J8ZQ7R4W2M9Y3K6T1VXC5B0N",
    contentId: "cnt_01J8ZQ6F0A",
    workspaceId: "ws_01J8ZQ5E9Z",
    platform: "twitter",
    title: "Launch day",
    description: "",
    text: "Launch day",
    media: [],
    scheduledAt: NOW,
    ...overrides,
  };
}

// A context whose saved state carries over to the next attempt, as the queue consumer's does.
export type TestContext = PublishContext & { saves: Record<string, string>[] };

export function publishContext(
  fetcher: typeof fetch,
  baseUrl: string,
  credentials: Record<string, string>,
  overrides: Partial<PublishContext> = {},
): TestContext {
  const ctx: TestContext = {
    fetch: fetcher,
    baseUrl,
    credentials,
    state: {},
    saves: [],
    async saveState(state) {
      ctx.saves.push({ ...state });
      ctx.state = { ...state };
    },
    timeoutMs: 2000,
    now: () => NOW,
    ...overrides,
  };
  return ctx;
}
