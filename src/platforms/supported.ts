export const PLATFORMS = ["instagram", "twitter", "linkedin", "webhook"] as const;
export type Platform = (typeof PLATFORMS)[number];
