export const PERIODS = ["24h", "7d", "30d", "90d"] as const;
export type Period = (typeof PERIODS)[number];

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export const PERIOD_MS: Record<Period, number> = {
  "24h": 24 * HOUR,
  "7d": 7 * DAY,
  "30d": 30 * DAY,
  "90d": 90 * DAY,
};

// The current window is (now - period, now]; the one before it is the same length,
// immediately earlier. Trends compare the two.
export function windows(period: Period, now: number) {
  const length = PERIOD_MS[period];
  return { currentStart: now - length, previousStart: now - 2 * length, end: now };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// Engagements over impressions, in percent; 0 when nothing was seen.
export function engagementRate(engagements: number, impressions: number): number {
  return impressions > 0 ? round((100 * engagements) / impressions, 2) : 0;
}
