// A calendar day (UTC) `days` after today as YYYY-MM-DD: ahead enough to schedule on, and
// inside the one-year scheduling horizon whenever the tests run.
export function dayAhead(days: number): string {
  const now = new Date();
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days);
  return new Date(day).toISOString().slice(0, 10);
}
