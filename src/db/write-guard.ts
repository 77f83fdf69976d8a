import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../context";

// D1 has no interactive transactions, but a batch is one: if any statement fails, none of it
// is kept. This statement fails when `condition` holds, so the writes of its batch only
// happen if what was checked a round trip earlier is still so. (json() of text that is not
// JSON is how plain SQL raises an error; a select, because drizzle's D1 batch cannot bind
// parameters of raw statements.)
export function failWhen(db: Database, condition: SQL) {
  return db
    .select({ guard: sql`case when ${condition} then json('stale row') else 1 end` })
    .from(sql`(select 1)`);
}

// Placed right after a conditional UPDATE: fails when that UPDATE changed no row, so the
// writes after it only happen if the row was still as it was read.
export function failUnlessChanged(db: Database) {
  return failWhen(db, sql`changes() = 0`);
}

export function isStaleWrite(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return /malformed JSON/i.test(text);
}
