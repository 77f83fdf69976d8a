import { z } from "@hono/zod-openapi";
import type { accounts } from "../../db/schema";
import { PLATFORMS } from "../../platforms/supported";
import { toIso } from "../../time";

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: "acc_123" }),
    platform: z.enum(PLATFORMS),
    name: z.string(),
    status: z.enum(["active", "needs_reauth"]),
    status_reason: z.string().nullable(),
    default: z.boolean(),
    created_at: z.string(),
  })
  .openapi("Account");

type Row = typeof accounts.$inferSelect;

// Never includes credentials: they leave the database only to be sent to their platform.
export function serializeAccount(row: Row): z.infer<typeof AccountSchema> {
  return {
    id: row.id,
    platform: row.platform as z.infer<typeof AccountSchema>["platform"],
    name: row.name,
    status: row.status as z.infer<typeof AccountSchema>["status"],
    status_reason: row.statusReason,
    default: row.isDefault,
    created_at: toIso(row.createdAt),
  };
}

export const AccountIdParam = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "acc_123" }),
});
