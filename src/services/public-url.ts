// Hosts that resolve inside our own network or the caller's machine. Outside local
// development a webhook may not point at them, or the publisher becomes a way to reach them.
const PRIVATE_V4 = [
  /^10\./,
  /^127\./,
  /^169\.254\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^0\./,
];

export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal")) {
    return true;
  }
  if (PRIVATE_V4.some((re) => re.test(host))) return true;
  if (host.includes(":")) {
    // IPv4-mapped addresses (::ffff:7f00:1) reach IPv4 hosts: refuse them all.
    return (
      host === "::1" ||
      host === "::" ||
      host.startsWith("::ffff:") ||
      /^f[cd]/.test(host) ||
      /^fe80:/.test(host)
    );
  }
  return false;
}

export function isLocalEnvironment(env: Cloudflare.Env): boolean {
  return env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
}
