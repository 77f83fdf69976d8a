// Secrets are not in wrangler.toml, so `wrangler types` cannot see them on a machine without
// `.dev.vars`. Locally they come from `.dev.vars`; in production from `wrangler secret put`.
declare namespace Cloudflare {
  interface Env {
    JWT_SECRET: string;
    // "id:base64" pairs of 32-byte AES-GCM keys for account credentials; the first is current.
    CREDENTIAL_KEYS: string;
  }
}
