// X's weighted length of a post, after twitter-text's v3 configuration
// (config/v3.json: scale 100, default weight 200, emoji parsing on, URLs weigh 23).

export const X_MAX_WEIGHTED_LENGTH = 280;
const URL_LENGTH = 23;
const EMOJI_LENGTH = 2;

// Code point ranges X counts as one character; every other code point counts as two.
const LIGHT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];

// twitter-text also counts bare domains under any TLD; this covers schemes, "www." and the
// common generic TLDs. A missed bare domain is counted as its own letters, so a post near the
// limit can still be refused by X at publish time, with X's reason.
const SCHEME_URL = /(?:https?:\/\/|\bwww\.)[^\s<>"]+/.source;
const BARE_DOMAIN = /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|edu|gov|info|app|dev)\b/.source;
const URL_PATH = /(?:\/[^\s<>"]*)?/.source;
const URL_PATTERN = new RegExp(`${SCHEME_URL}|${BARE_DOMAIN}${URL_PATH}`, "giu");
// Punctuation that ends a sentence rather than the URL before it.
const TRAILING_PUNCTUATION = /[.,:;!?'")\]}]+$/u;
// Whole emoji sequences (ZWJ families, flags, keycaps, skin tones) as X's emoji parser sees them.
// Built at run time: TypeScript refuses a "v" literal when the target is below ES2024.
// biome-ignore lint/complexity/useRegexLiterals: see above; a literal fails the type check.
const EMOJI_PATTERN = new RegExp("\\p{RGI_Emoji}", "gv");

export function xTextLength(text: string): number {
  const normalized = text.normalize("NFC");
  let length = 0;
  let cursor = 0;

  for (const match of normalized.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, "");
    length += plainLength(normalized.slice(cursor, match.index)) + URL_LENGTH;
    cursor = match.index + url.length;
  }
  return length + plainLength(normalized.slice(cursor));
}

function plainLength(text: string): number {
  let length = 0;
  let cursor = 0;
  for (const match of text.matchAll(EMOJI_PATTERN)) {
    length += codePointsLength(text.slice(cursor, match.index)) + EMOJI_LENGTH;
    cursor = match.index + match[0].length;
  }
  return length + codePointsLength(text.slice(cursor));
}

function codePointsLength(text: string): number {
  let length = 0;
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0;
    length += LIGHT_RANGES.some(([start, end]) => point >= start && point <= end) ? 1 : 2;
  }
  return length;
}
