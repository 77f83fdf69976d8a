import { describe, expect, it } from "vitest";
import { adapterFor, platformAdapters } from "../../src/platforms/registry";
import { PLATFORMS } from "../../src/platforms/supported";

describe("platform registry", () => {
  it("has one adapter per supported platform, each for its own platform", () => {
    expect(Object.keys(platformAdapters).sort()).toEqual([...PLATFORMS].sort());
    for (const platform of PLATFORMS) expect(adapterFor(platform).platform).toBe(platform);
  });
});
