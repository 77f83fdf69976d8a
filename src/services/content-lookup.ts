import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../context";
import { content } from "../db/schema";
import { notFound } from "../errors";

// Another workspace's id is indistinguishable from one that never existed.
export async function contentIfAny(db: Database, workspaceId: string, id: string) {
  const row = await db
    .select()
    .from(content)
    .where(and(eq(content.id, id), eq(content.workspaceId, workspaceId), isNull(content.deletedAt)))
    .get();
  return row ?? null;
}

export async function findContent(db: Database, workspaceId: string, id: string) {
  const row = await contentIfAny(db, workspaceId, id);
  if (!row) throw notFound("Content");
  return row;
}
