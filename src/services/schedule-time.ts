import { fieldError } from "../errors";

// A schedule can be this far in the past and still be accepted: the client's clock and the
// request's trip over the network together may lag a little behind ours.
const SCHEDULE_GRACE_MS = 60_000;
// Nothing further out than this; a year covers every campaign calendar we have seen.
const SCHEDULE_HORIZON_MS = 366 * 24 * 60 * 60 * 1000;

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
