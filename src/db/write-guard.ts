import { sql } from "drizzle-orm";
import type { Database } from "../context";

// D1 has no interactive transactions, but a batch is one: if any statement fails, none of it
// is kept. Placed right after a conditional UPDATE, this statement fails when that UPDATE
// changed no row, so the writes after it only happen if the row was still as it was read.
// (json() of text that is not JSON is SQLite's way to raise an error from plain SQL.)
export function failUnlessChanged(db: Database) {
  return db.run(sql`select case when changes() = 0 then json('stale row') else 1 end`);
}

export function isStaleWrite(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return /malformed JSON/i.test(text);
}
