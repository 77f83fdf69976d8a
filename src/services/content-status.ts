import { ApiError } from "../errors";

export const CONTENT_STATUSES = ["draft", "scheduled", "published", "failed", "archived"] as const;
export type ContentStatus = (typeof CONTENT_STATUSES)[number];

// Which status a person may move content to from each status. `failed` is set by the
// publisher only; setting the same status again is always allowed (e.g. a new time).
const TRANSITIONS: Record<ContentStatus, readonly ContentStatus[]> = {
  draft: ["scheduled", "published", "archived"],
  scheduled: ["draft", "published", "archived"],
  published: ["archived"],
  failed: ["draft", "scheduled", "published", "archived"],
  archived: ["draft"],
};

export function canTransition(from: ContentStatus, to: ContentStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export function assertTransition(from: ContentStatus, to: ContentStatus): void {
  if (!canTransition(from, to)) {
    const allowed = TRANSITIONS[from];
    throw new ApiError("invalid_transition", `Content cannot go from ${from} to ${to}`, {
      from,
      to,
      allowed,
    });
  }
}
