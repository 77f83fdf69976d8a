import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../context";
import { accounts } from "../db/schema";
import { notFound } from "../errors";

export async function findAccount(db: Database, workspaceId: string, id: string) {
  const row = await db
    .select()
    .from(accounts)
    .where(
      and(eq(accounts.id, id), eq(accounts.workspaceId, workspaceId), isNull(accounts.deletedAt)),
    )
    .get();
  if (!row) throw notFound("Account");
  return row;
}
