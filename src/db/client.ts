import { drizzle } from "drizzle-orm/d1";
import type { Database } from "../context";
import * as schema from "./schema";

// drizzle() only wraps the binding, but reusing the wrapper spares an allocation per request.
const cache = new WeakMap<D1Database, Database>();

export function database(d1: D1Database): Database {
  let db = cache.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    cache.set(d1, db);
  }
  return db;
}
