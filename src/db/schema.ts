import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

// Every timestamp is epoch milliseconds (UTC) so range queries stay numeric and indexable;
// the API layer renders them as ISO 8601 with `Z`.

export const workspaces = sqliteTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const memberships = sqliteTable(
  "memberships",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role").notNull(),
    permissions: text("permissions", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index("memberships_workspace_created").on(t.workspaceId, t.createdAt),
  ],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    // The public half (`mk_live_…`), looked up on every token exchange.
    publicKey: text("public_key").notNull().unique(),
    // SHA-256 of the secret, hex. Secrets are 256 random bits, so a slow KDF adds nothing.
    secretHash: text("secret_hash").notNull(),
    name: text("name").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_workspace").on(t.workspaceId)],
);

export const content = sqliteTable(
  "content",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    platforms: text("platforms", { mode: "json" }).$type<string[]>().notNull(),
    status: text("status").notNull(),
    media: text("media", { mode: "json" })
      .$type<{ url: string; type: "image" | "video" }[]>()
      .notNull()
      .default(sql`'[]'`),
    scheduledAt: integer("scheduled_at"),
    publishedAt: integer("published_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("content_workspace_created").on(t.workspaceId, t.createdAt, t.id),
    index("content_workspace_status_created").on(t.workspaceId, t.status, t.createdAt, t.id),
  ],
);

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    platform: text("platform").notNull(),
    name: text("name").notNull(),
    // AES-256-GCM of the credentials JSON; the key id names which key sealed it, so keys rotate.
    credentialsCiphertext: text("credentials_ciphertext").notNull(),
    credentialsIv: text("credentials_iv").notNull(),
    credentialsKeyId: text("credentials_key_id").notNull(),
    status: text("status").notNull(),
    statusReason: text("status_reason"),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("accounts_workspace_platform").on(t.workspaceId, t.platform, t.createdAt),
    uniqueIndex("accounts_one_default")
      .on(t.workspaceId, t.platform)
      .where(sql`is_default = 1 and deleted_at is null`),
  ],
);

export const scheduledPosts = sqliteTable(
  "scheduled_posts",
  {
    id: text("id").primaryKey(),
    // Groups the posts one POST /schedule created; returned as `schedule_id`.
    scheduleId: text("schedule_id").notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    contentId: text("content_id")
      .notNull()
      .references(() => content.id),
    platform: text("platform").notNull(),
    // The connected account it goes out through; null only for rows made before accounts.
    accountId: text("account_id").references(() => accounts.id),
    scheduledAt: integer("scheduled_at").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    externalId: text("external_id"),
    externalUrl: text("external_url"),
    leaseUntil: integer("lease_until"),
    // What an adapter must remember between attempts (e.g. Instagram's container id).
    publishState: text("publish_state", { mode: "json" }).$type<Record<string, string>>(),
    publishedAt: integer("published_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("scheduled_posts_workspace_time").on(t.workspaceId, t.scheduledAt, t.id),
    index("scheduled_posts_status_time").on(t.status, t.scheduledAt),
    index("scheduled_posts_content").on(t.contentId),
  ],
);

export const postMetrics = sqliteTable(
  "post_metrics",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    contentId: text("content_id")
      .notNull()
      .references(() => content.id),
    platform: text("platform").notNull(),
    // Each row is the activity a post gained in the interval that ends at `recorded_at`,
    // so windows are plain sums and never double-count cumulative snapshots.
    recordedAt: integer("recorded_at").notNull(),
    impressions: integer("impressions").notNull().default(0),
    reach: integer("reach").notNull().default(0),
    clicks: integer("clicks").notNull().default(0),
    likes: integer("likes").notNull().default(0),
    comments: integer("comments").notNull().default(0),
    shares: integer("shares").notNull().default(0),
    saves: integer("saves").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("post_metrics_workspace_time").on(t.workspaceId, t.recordedAt),
    index("post_metrics_workspace_content_time").on(t.workspaceId, t.contentId, t.recordedAt),
  ],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    email: text("email").notNull(),
    role: text("role").notNull(),
    permissions: text("permissions", { mode: "json" }).$type<string[]>().notNull(),
    // SHA-256 of the token mailed to the invitee; the token itself is never stored.
    tokenHash: text("token_hash").notNull(),
    status: text("status").notNull(),
    invitedBy: text("invited_by")
      .notNull()
      .references(() => users.id),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("invitations_one_pending")
      .on(t.workspaceId, t.email)
      .where(sql`status = 'pending'`),
  ],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    body: text("body"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

export type ContentRow = typeof content.$inferSelect;
export type PostRow = typeof scheduledPosts.$inferSelect;
