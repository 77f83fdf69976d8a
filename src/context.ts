import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Scope } from "./auth/scopes";
import type { Config } from "./config";
import type * as schema from "./db/schema";
import type { Logger } from "./logger";

export type Caller = {
  workspaceId: string;
  userId: string;
  keyId: string;
  scopes: Scope[];
  expiresAt: number;
};

export type Database = DrizzleD1Database<typeof schema>;

export type AppEnv = {
  Bindings: Cloudflare.Env;
  Variables: {
    requestId: string;
    logger: Logger;
    config: Config;
    db: Database;
    caller: Caller;
  };
};
