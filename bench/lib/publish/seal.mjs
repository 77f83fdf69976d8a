// Seals account credentials the way src/crypto/credential-box.ts opens them: AES-256-GCM under
// the first CREDENTIAL_KEYS entry, with "<workspace_id>/<account_id>" as additional data.
// The key is made fresh for each run and never leaves the bench's own workerd.
import { randomBytes, webcrypto } from "node:crypto";

export async function benchKeyring() {
  const id = "bench1";
  const material = randomBytes(32);
  const key = await webcrypto.subtle.importKey("raw", material, "AES-GCM", false, ["encrypt"]);
  return { id, key, env: `${id}:${material.toString("base64")}` };
}

export async function seal(ring, binding, value) {
  const iv = randomBytes(12);
  const sealed = await webcrypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(binding) },
    ring.key,
    new TextEncoder().encode(JSON.stringify(value)),
  );
  return {
    ciphertext: Buffer.from(sealed).toString("base64"),
    iv: iv.toString("base64"),
    keyId: ring.id,
  };
}
