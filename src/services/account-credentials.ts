import { validationFailed } from "../errors";
import { adapterFor } from "../platforms/registry";
import type { Platform } from "../platforms/supported";
import { isLocalEnvironment, isPrivateHost } from "./public-url";

function credentialError(issues: readonly { path: PropertyKey[]; message: string }[]) {
  return validationFailed(
    issues.map((i) => ({
      field: ["credentials", ...i.path.map(String)].join("."),
      message: i.message,
    })),
  );
}

// The platform's own credential shape, and for webhooks a URL the publisher may call: outside
// local development only public https endpoints.
export function checkCredentials(
  env: Cloudflare.Env,
  platform: Platform,
  credentials: Record<string, string>,
): Record<string, string> {
  const parsed = adapterFor(platform).credentialsSchema.safeParse(credentials);
  if (!parsed.success) throw credentialError(parsed.error.issues);
  if (platform === "webhook") {
    const url = new URL(parsed.data.url as string);
    if (!isLocalEnvironment(env) && (url.protocol !== "https:" || isPrivateHost(url.hostname))) {
      throw credentialError([{ path: ["url"], message: "must be a public https URL" }]);
    }
  }
  return parsed.data;
}
