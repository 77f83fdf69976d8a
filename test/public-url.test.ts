import { describe, expect, it } from "vitest";
import { isPrivateHost } from "../src/services/public-url";

describe("isPrivateHost", () => {
  it.each([
    "localhost",
    "api.localhost",
    "10.0.0.1",
    "127.0.0.1",
    "169.254.169.254",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "[::1]",
    "[::ffff:7f00:1]",
    "[::7f00:1]",
    "[64:ff9b::a00:1]",
    "[fd12::1]",
    "[fe80::1]",
  ])("refuses %s", (host) => {
    expect(isPrivateHost(host)).toBe(true);
  });

  it.each(["hooks.example.com", "8.8.8.8", "100.128.0.1", "172.32.0.1", "[2606:4700::1111]"])(
    "accepts %s",
    (host) => {
      expect(isPrivateHost(host)).toBe(false);
    },
  );
});
