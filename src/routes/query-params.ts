import { z } from "@hono/zod-openapi";

// Query values arrive as text. Digits only, so "1e3", "-1" and "0x10" are refused rather
// than coerced, and bounded so a huge page number cannot ask for a huge OFFSET.
export function integerParam(min: number, max: number, fallback: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!(n >= min && n <= max)) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return n;
    });
}

export const PageQuery = {
  page: integerParam(1, 100_000, 1).openapi({ param: { name: "page", in: "query" }, example: "1" }),
  per_page: integerParam(1, 100, 20).openapi({
    param: { name: "per_page", in: "query" },
    example: "20",
  }),
};

export const PaginationSchema = z
  .object({ page: z.number().int(), per_page: z.number().int(), total: z.number().int() })
  .openapi("Pagination");

// ISO 8601 with a zone (Z or an offset such as +05:30); stored as UTC milliseconds.
export const Instant = z.iso.datetime({ offset: true });

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
