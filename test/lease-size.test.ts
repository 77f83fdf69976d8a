import { describe, expect, it } from "vitest";
import { nextLeaseSize } from "../src/rate-limit/lease-client";

const now = 1_000_000;

describe("nextLeaseSize", () => {
  it("starts at one for a key never leased or quiet for a while", () => {
    expect(nextLeaseSize({ leasedAt: 0, leaseSize: 8, tokens: 0 }, now)).toBe(1);
    expect(nextLeaseSize({ leasedAt: now - 10_000, leaseSize: 8, tokens: 0 }, now)).toBe(1);
  });

  it("doubles when the last lease was used up within half its hold", () => {
    expect(nextLeaseSize({ leasedAt: now - 200, leaseSize: 4, tokens: 0 }, now)).toBe(8);
  });

  it("keeps the size when the last lease was used up more slowly", () => {
    expect(nextLeaseSize({ leasedAt: now - 800, leaseSize: 8, tokens: 0 }, now)).toBe(8);
  });

  it("halves when the last lease lapsed with tokens left", () => {
    expect(nextLeaseSize({ leasedAt: now - 1500, leaseSize: 8, tokens: 3 }, now)).toBe(4);
    expect(nextLeaseSize({ leasedAt: now - 1500, leaseSize: 1, tokens: 1 }, now)).toBe(1);
  });
});
