import { fieldError } from "../errors";
import { SCHEDULE_GRACE_MS, SCHEDULE_HORIZON_MS } from "./schedule-writes";

// Turns an ISO instant (any offset) into UTC milliseconds and checks it is a time a post
// can still go out at. `field` names the request field in the error.
export function futureInstant(iso: string, now: number, field = "scheduled_at"): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    throw fieldError(field, "is not a valid ISO 8601 date-time");
  }
  if (at < now - SCHEDULE_GRACE_MS) {
    throw fieldError(field, "is in the past");
  }
  if (at > now + SCHEDULE_HORIZON_MS) {
    throw fieldError(field, "is more than a year ahead");
  }
  return at;
}
