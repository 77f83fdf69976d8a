// Hosts that resolve inside our own network or the caller's machine. Outside local
// development a webhook may not point at them, or the publisher becomes a way to reach them.
// Only the URL's own host is checked: a public name that resolves to a private address is not
// caught here (Workers have no resolver to ask), and redirects are never followed.
const PRIVATE_V4 = [
  /^10\./,
  /^127\./,
  /^169\.254\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
  /^0\./,
];

export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal")) {
    return true;
  }
  if (PRIVATE_V4.some((re) => re.test(host))) return true;
  if (host.includes(":")) {
    // "::" forms (loopback, IPv4-mapped ::ffff:7f00:1, IPv4-compatible ::7f00:1) and NAT64
    // (64:ff9b::) reach IPv4 hosts or this machine; fc00::/7 and fe80::/10 are private.
    return (
      host.startsWith("::") ||
      host.startsWith("64:ff9b:") ||
      /^f[cd]/.test(host) ||
      /^fe[89ab]/.test(host)
    );
  }
  return false;
}

export function isLocalEnvironment(env: Cloudflare.Env): boolean {
  return env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
}
