import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, lte } from "drizzle-orm";
import { ROLE_SCOPES, ROLES, SCOPES } from "../../auth/scopes";
import { sha256Hex } from "../../auth/secret-hash";
import { isUniqueViolation } from "../../db/constraint-errors";
import { invitations, memberships, users } from "../../db/schema";
import { ApiError, validationFailed } from "../../errors";
import { newId, randomToken } from "../../ids";
import { authorize } from "../../middleware/authenticate";
import { idempotent } from "../../middleware/idempotency";
import { toIso } from "../../time";
import { IdempotencyHeader } from "../idempotency-header";
import { errorResponses, jsonBody, jsonResponse } from "../openapi-errors";
import { createRouter } from "../router";

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const InviteBody = z
  .strictObject({
    email: z.email().max(254).openapi({ example: "newmember@company.com" }),
    role: z.enum(ROLES).openapi({ example: "content_manager" }),
    permissions: z
      .array(z.enum(SCOPES))
      .max(SCOPES.length)
      .optional()
      .openapi({ example: ["content:read", "content:write"] }),
  })
  .openapi("Invite");

const Invitation = z
  .object({
    invitation_id: z.string().openapi({ example: "inv_123" }),
    status: z.literal("sent"),
    email: z.string(),
    role: z.enum(ROLES),
    permissions: z.array(z.string()),
    expires_at: z.string().openapi({ example: "2026-03-22T10:00:00Z" }),
  })
  .openapi("Invitation");

const route = createRoute({
  method: "post",
  path: "/team/invite",
  tags: ["Teams"],
  summary: "Invite someone to the workspace with a role and permissions",
  security: [{ bearer: [] }],
  middleware: [...authorize("team:write"), idempotent],
  request: {
    headers: IdempotencyHeader,
    body: jsonBody(InviteBody),
  },
  responses: {
    201: jsonResponse(Invitation, "The invitation, valid for 7 days"),
    ...errorResponses(400, 403, 409, 413, 415, 422),
  },
});

export const inviteRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const caller = c.get("caller");
  const db = c.get("db");
  const now = Date.now();
  const email = body.email.trim().toLowerCase();

  const permissions = [...new Set(body.permissions ?? ROLE_SCOPES[body.role])];
  const outsideRole = permissions.filter((p) => !ROLE_SCOPES[body.role].includes(p));
  if (outsideRole.length > 0) {
    throw validationFailed([
      { field: "permissions", message: `a ${body.role} cannot hold ${outsideRole.join(", ")}` },
    ]);
  }
  // Nobody hands out more than they hold.
  const notHeld = permissions.filter((p) => !caller.scopes.includes(p));
  if (notHeld.length > 0) {
    throw new ApiError(
      "forbidden",
      `You cannot grant permissions you lack: ${notHeld.join(", ")}`,
      {
        permissions: notHeld,
      },
    );
  }

  const member = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(
      memberships,
      and(eq(memberships.userId, users.id), eq(memberships.workspaceId, caller.workspaceId)),
    )
    .where(eq(users.email, email))
    .get();
  if (member) throw new ApiError("conflict", `${email} is already a member of this workspace`);

  const id = newId("inv");
  const expiresAt = now + INVITATION_TTL_MS;
  // The token goes to the invitee only; we keep its hash to recognise it on acceptance.
  const tokenHash = await sha256Hex(randomToken(40));
  try {
    await db.batch([
      // An expired invitation no longer blocks a new one.
      db
        .update(invitations)
        .set({ status: "expired" })
        .where(
          and(
            eq(invitations.workspaceId, caller.workspaceId),
            eq(invitations.email, email),
            eq(invitations.status, "pending"),
            lte(invitations.expiresAt, now),
          ),
        ),
      db.insert(invitations).values({
        id,
        workspaceId: caller.workspaceId,
        email,
        role: body.role,
        permissions,
        tokenHash,
        status: "pending",
        invitedBy: caller.userId,
        expiresAt,
        createdAt: now,
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ApiError("conflict", `${email} already has a pending invitation`);
    }
    throw err;
  }

  c.get("logger").info("invitation created", { invitation_id: id, workspace: caller.workspaceId });
  return c.json(
    {
      invitation_id: id,
      status: "sent" as const,
      email,
      role: body.role,
      permissions,
      expires_at: toIso(expiresAt),
    },
    201,
  );
});
