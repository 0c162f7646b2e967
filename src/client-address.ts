/**
 * The client address a request is counted by, for every per-address limit (staff sign-in,
 * issue 11; shopper rate limits, issue 12): `CF-Connecting-IP`, set by Cloudflare's edge,
 * which a client cannot forge through it. An IPv6 client usually holds a whole /64, so it is
 * counted by that prefix, or it could step through addresses. Without the header (local runs,
 * tests that do not set it) every client counts as one, "unknown".
 */
export function clientAddressKey(connectingIp: string | undefined): string {
  const ip = connectingIp?.trim().toLowerCase();
  if (!ip) return "unknown";
  if (!ip.includes(":")) return ip;
  const groups = expandIpv6(ip);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : ip;
}

function expandIpv6(ip: string): string[] | null {
  const [head, tail, ...rest] = ip.split("::");
  if (rest.length > 0) return null;
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 1) return null;
  const groups = [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => "0"), ...right];
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups.map((g) => g.replace(/^0+(?=.)/, "")) : null;
}
