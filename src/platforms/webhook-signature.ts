// Standard Webhooks signing: HMAC-SHA256 over `${id}.${timestamp}.${body}`, keyed with the
// base64 part of a "whsec_" secret, sent as "v1,<base64 signature>".

const SECRET_PREFIX = "whsec_";

export function isSigningSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  try {
    return decodeBase64(secret.slice(SECRET_PREFIX.length)).byteLength > 0;
  } catch {
    return false;
  }
}

export async function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    decodeBase64(secret.slice(SECRET_PREFIX.length)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const content = new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, content));
  return `v1,${btoa(String.fromCharCode(...signature))}`;
}

function decodeBase64(value: string): Uint8Array {
  return Uint8Array.from(atob(value), (char) => char.charCodeAt(0));
}
