import { z } from "@hono/zod-openapi";
import type { ContentRow } from "../../db/schema";
import { PLATFORMS } from "../../platforms/supported";
import { CONTENT_STATUSES } from "../../services/content-status";
import { toIso, toIsoOrNull } from "../../time";

export const PlatformList = z
  .array(z.enum(PLATFORMS))
  .min(1)
  .max(PLATFORMS.length)
  .refine((list) => new Set(list).size === list.length, "must not repeat a platform")
  .openapi({ example: ["instagram", "linkedin"] });

export const Title = z.string().trim().min(1).max(200);
export const Description = z.string().max(10_000);

export const MediaList = z
  .array(
    z.strictObject({
      url: z.url({ protocol: /^https?$/ }).max(2048),
      type: z.enum(["image", "video"]),
    }),
  )
  .max(10)
  .openapi({ example: [{ url: "https://cdn.example.com/launch.jpg", type: "image" }] });

export const ContentSchema = z
  .object({
    id: z.string().openapi({ example: "cnt_124" }),
    title: z.string(),
    description: z.string(),
    status: z.enum(CONTENT_STATUSES),
    platforms: z.array(z.enum(PLATFORMS)),
    media: MediaList,
    scheduled_at: z.string().nullable(),
    published_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Content");

export function serializeContent(row: ContentRow): z.infer<typeof ContentSchema> {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status as z.infer<typeof ContentSchema>["status"],
    platforms: row.platforms as z.infer<typeof ContentSchema>["platforms"],
    media: row.media,
    scheduled_at: toIsoOrNull(row.scheduledAt),
    published_at: toIsoOrNull(row.publishedAt),
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}

export const ContentIdParam = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "cnt_124" }),
});
