import scopeList from "./scope-list.json";

// The list lives in JSON so the local set-up scripts grant exactly the same scopes.
export const SCOPES = scopeList as [
  "content:read",
  "content:write",
  "schedule:read",
  "schedule:write",
  "analytics:read",
  "analytics:write",
  "team:read",
  "team:write",
  "webhooks:read",
  "webhooks:write",
  "accounts:read",
  "accounts:write",
];

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export const ROLES = ["owner", "admin", "content_manager", "analyst", "viewer"] as const;
export type Role = (typeof ROLES)[number];

// What a role may hold. An invitation may narrow this, never widen it.
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  owner: SCOPES,
  admin: SCOPES,
  content_manager: [
    "content:read",
    "content:write",
    "schedule:read",
    "schedule:write",
    "analytics:read",
    "team:read",
    "accounts:read",
  ],
  analyst: ["content:read", "schedule:read", "analytics:read", "analytics:write", "team:read"],
  viewer: ["content:read", "schedule:read", "analytics:read", "team:read"],
};

export function intersect(a: readonly string[], b: readonly string[]): Scope[] {
  const set = new Set(b);
  return a.filter((s): s is Scope => set.has(s) && isScope(s));
}
