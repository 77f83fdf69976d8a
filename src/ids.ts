const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export type IdPrefix =
  | "acc"
  | "wsp"
  | "usr"
  | "key"
  | "cnt"
  | "scd"
  | "inv"
  | "met"
  | "whk"
  | "evt";

// Uniform over the alphabet: 256 % 36 = 4, so bytes at or above 252 are redrawn.
export function randomToken(length: number): string {
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < 252 && out.length < length) out += ALPHABET[b % 36];
    }
  }
  return out;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomToken(20)}`;
}
