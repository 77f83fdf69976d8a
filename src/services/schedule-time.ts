import { ApiError } from "../errors";
import { SCHEDULE_GRACE_MS, SCHEDULE_HORIZON_MS } from "./schedule-writes";

// Turns an ISO instant (any offset) into UTC milliseconds and checks it is a time a post
// can still go out at. `field` names the request field in the error.
export function futureInstant(iso: string, now: number, field = "scheduled_at"): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    throw new ApiError("validation_failed", `Invalid value for: ${field}`, {
      fields: [{ field, message: "is not a valid ISO 8601 date-time" }],
    });
  }
  if (at < now - SCHEDULE_GRACE_MS) {
    throw new ApiError("validation_failed", `Invalid value for: ${field}`, {
      fields: [{ field, message: "is in the past" }],
    });
  }
  if (at > now + SCHEDULE_HORIZON_MS) {
    throw new ApiError("validation_failed", `Invalid value for: ${field}`, {
      fields: [{ field, message: "is more than a year ahead" }],
    });
  }
  return at;
}
