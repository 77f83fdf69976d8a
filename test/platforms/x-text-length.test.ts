import { describe, expect, it } from "vitest";
import { twitterAdapter } from "../../src/platforms/twitter";
import { xTextLength } from "../../src/platforms/x-text-length";

const validate = (text: string) => twitterAdapter.validate({ text, media: [] });

describe("xTextLength", () => {
  it("counts Latin letters as one each", () => {
    expect(xTextLength("hello")).toBe(5);
  });

  it("counts any URL as 23, however long", () => {
    const long = `https://example.com/${"a".repeat(100)}`;
    expect(xTextLength(long)).toBe(23);
    expect(xTextLength("see https://t.co/x")).toBe(4 + 23);
  });

  it("leaves a sentence's closing punctuation out of the URL", () => {
    expect(xTextLength("Read https://example.com/post.")).toBe(5 + 23 + 1);
  });

  it("counts www. addresses and bare .com domains as URLs", () => {
    expect(xTextLength("www.example.org")).toBe(23);
    expect(xTextLength("go to example.com now")).toBe(6 + 23 + 4);
  });

  it("counts CJK characters as two each", () => {
    expect(xTextLength("日本語")).toBe(6);
    expect(xTextLength("한국어")).toBe(6);
  });

  it("counts an emoji as two, including ZWJ sequences, flags and skin tones", () => {
    expect(xTextLength("😀")).toBe(2);
    expect(xTextLength("👨‍👩‍👧‍👦")).toBe(2);
    expect(xTextLength("🇯🇵")).toBe(2);
    expect(xTextLength("👍🏽")).toBe(2);
    expect(xTextLength("ok 🎉")).toBe(5);
  });

  it("counts the light punctuation ranges as one", () => {
    // U+2014 em dash and U+2032 prime sit in X's one-character ranges; U+2026 does not.
    expect(xTextLength("a\u2014b\u2032")).toBe(4);
    expect(xTextLength("\u2026")).toBe(2);
  });

  it("normalises to NFC before counting", () => {
    expect(xTextLength("e\u0301")).toBe(1);
  });
});

describe("X text rule", () => {
  it("accepts 280 plain characters", () => {
    expect(validate("a".repeat(280))).toEqual([]);
  });

  it("refuses 281 plain characters", () => {
    const violations = validate("a".repeat(281));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.field).toBe("text");
    expect(violations[0]?.message).toContain("281");
  });

  it("refuses 141 CJK characters but accepts 140", () => {
    expect(validate("語".repeat(140))).toEqual([]);
    expect(validate("語".repeat(141))).toHaveLength(1);
  });

  it("counts a long URL as 23 against the limit", () => {
    const text = `${"a".repeat(256)} https://example.com/${"x".repeat(300)}`;
    expect(xTextLength(text)).toBe(280);
    expect(validate(text)).toEqual([]);
  });

  it("refuses 141 emoji but accepts 140", () => {
    expect(validate("🎉".repeat(140))).toEqual([]);
    expect(validate("🎉".repeat(141))).toHaveLength(1);
  });

  it("refuses empty text", () => {
    expect(validate("  ")[0]?.message).toBe("X needs some text");
  });
});
