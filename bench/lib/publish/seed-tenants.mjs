// The workspaces the scheduled posts belong to, each with one active, default account per
// platform whose credentials are sealed with the bench's key and point at the stand-in.
import { randomBytes } from "node:crypto";
import { newId, randomToken } from "../../../scripts/lib/local-db.mjs";
import { insertRows } from "./insert-rows.mjs";
import { seal } from "./seal.mjs";

function credentialsFor(platform, w, standinUrl) {
  switch (platform) {
    case "twitter":
      return { access_token: `bench-x-${randomToken(16)}` };
    case "linkedin":
      return {
        access_token: `bench-li-${randomToken(16)}`,
        author_urn: `urn:li:organization:${1_000_000 + w}`,
      };
    case "webhook":
      return {
        url: `${standinUrl}/webhook/bench-${w}`,
        signing_secret: `whsec_${randomBytes(24).toString("base64")}`,
      };
    default:
      throw new Error(`the publish bench does not seed ${platform} accounts`);
  }
}

// Returns [{ id, accounts: { platform: accountId } }] in workspace order.
export async function seedTenants(db, { workspaces, platforms, standinUrl, ring, now }) {
  const tenants = [];
  const workspaceRows = [];
  const accountRows = [];
  for (let w = 0; w < workspaces; w++) {
    const id = newId("wsp");
    workspaceRows.push([id, `Publish bench workspace ${w}`, now]);
    const accounts = {};
    for (const platform of platforms) {
      const accountId = newId("acc");
      const sealed = await seal(
        ring,
        `${id}/${accountId}`,
        credentialsFor(platform, w, standinUrl),
      );
      accountRows.push([
        accountId,
        id,
        platform,
        `Bench ${platform} ${w}`,
        sealed.ciphertext,
        sealed.iv,
        sealed.keyId,
        "active",
        1,
        now,
        now,
      ]);
      accounts[platform] = accountId;
    }
    tenants.push({ id, accounts });
  }
  await insertRows(db, "workspaces", ["id", "name", "created_at"], workspaceRows);
  await insertRows(
    db,
    "accounts",
    [
      "id",
      "workspace_id",
      "platform",
      "name",
      "credentials_ciphertext",
      "credentials_iv",
      "credentials_key_id",
      "status",
      "is_default",
      "created_at",
      "updated_at",
    ],
    accountRows,
  );
  return tenants;
}
