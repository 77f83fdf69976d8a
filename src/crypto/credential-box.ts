import { ApiError } from "../errors";

// CREDENTIAL_KEYS holds "id:base64key" pairs separated by commas; the first seals new
// credentials and every listed key can still open old ones, so a key is rotated by putting a
// new one first and dropping the old one once no row names it.
type Keyring = { currentId: string; keys: Map<string, Promise<CryptoKey>> };

const keyrings = new Map<string, Keyring>();

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += String.fromCharCode(b);
  return btoa(out);
}

function keyring(raw: string | undefined): Keyring {
  if (!raw) {
    throw new ApiError("service_unavailable", "CREDENTIAL_KEYS is not configured");
  }
  const cached = keyrings.get(raw);
  if (cached) return cached;

  const keys = new Map<string, Promise<CryptoKey>>();
  let currentId = "";
  for (const entry of raw.split(",")) {
    const [id, material] = entry.trim().split(":");
    let bytes: Uint8Array<ArrayBuffer> = new Uint8Array();
    try {
      bytes = material ? fromBase64(material) : bytes;
    } catch {
      // Not base64: reported below with the same message as a key of the wrong length.
    }
    if (!id || bytes.byteLength !== 32) {
      throw new ApiError(
        "service_unavailable",
        "CREDENTIAL_KEYS must be id:base64 pairs of 32-byte keys",
      );
    }
    currentId ||= id;
    keys.set(id, crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  const ring = { currentId, keys };
  keyrings.set(raw, ring);
  return ring;
}

export type Sealed = { ciphertext: string; iv: string; keyId: string };

// The additional data binds a ciphertext to its row, so it cannot be moved to another
// account or workspace and still open.
export async function seal(
  rawKeys: string | undefined,
  binding: string,
  value: Record<string, string>,
): Promise<Sealed> {
  const ring = keyring(rawKeys);
  const key = await (ring.keys.get(ring.currentId) as Promise<CryptoKey>);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(JSON.stringify(value));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(binding) },
    key,
    data,
  );
  return { ciphertext: toBase64(new Uint8Array(sealed)), iv: toBase64(iv), keyId: ring.currentId };
}

export async function open(
  rawKeys: string | undefined,
  binding: string,
  sealed: Sealed,
): Promise<Record<string, string>> {
  const key = keyring(rawKeys).keys.get(sealed.keyId);
  if (!key) throw new Error(`credential key ${sealed.keyId} is no longer configured`);
  const plain = await crypto.subtle.decrypt(
    {
      name: "AES-GCM",
      iv: fromBase64(sealed.iv),
      additionalData: new TextEncoder().encode(binding),
    },
    await key,
    fromBase64(sealed.ciphertext),
  );
  return JSON.parse(new TextDecoder().decode(plain)) as Record<string, string>;
}

export function randomSecret(bytes: number): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(bytes)));
}
