// Back-off for transient failures: 10 s, 20 s, 40 s … capped at 10 minutes, unless the
// platform said when to come back (Retry-After), which wins up to the queue's 12-hour limit.
const BASE_SECONDS = 10;
const CAP_SECONDS = 600;
const QUEUE_MAX_DELAY_SECONDS = 12 * 60 * 60;

export function retryDelaySeconds(attempt: number, retryAfter: number | null): number {
  if (retryAfter !== null && retryAfter >= 0) return Math.min(retryAfter, QUEUE_MAX_DELAY_SECONDS);
  return Math.min(CAP_SECONDS, BASE_SECONDS * 2 ** Math.max(0, attempt - 1));
}
