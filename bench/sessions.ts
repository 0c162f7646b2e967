import { createHmac, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";

/** The session cookie's name (workers/storefront/api/session.ts). */
export const SESSION_COOKIE = "fs_session";

/**
 * A shopper id in the storefront's format (`shp_` and 24 base-36 characters), unique by
 * construction within one benchmark run.
 */
export function shopperId(index: number, runTag: string): string {
  return `shp_${runTag}${index.toString(36).padStart(16, "0")}`;
}

/**
 * The `fs_session` cookie value hono's `setSignedCookie` writes for `value`: the value, a
 * dot, the base64 HMAC-SHA256 of the value under the secret, URI-encoded as a whole
 * (node_modules/hono/dist/utils/cookie.js, `serializeSigned`). Minting them here makes
 * thousands of distinct shoppers without a request each.
 */
export function signedSessionCookie(value: string, secret: string): string {
  const signature = createHmac("sha256", secret).update(value).digest("base64");
  return encodeURIComponent(`${value}.${signature}`);
}

/** The shopper a signed cookie value names, or null when its signature does not match. */
export function verifySessionCookie(cookieValue: string, secret: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(cookieValue);
  } catch {
    return null;
  }
  const dot = decoded.lastIndexOf(".");
  if (dot < 0) return null;
  const value = decoded.slice(0, dot);
  const expected = createHmac("sha256", secret).update(value).digest("base64");
  return expected === decoded.slice(dot + 1) ? value : null;
}

/**
 * Writes `count` signed session cookies, one per line, for the wrk script. Returns the
 * run tag (lowercase base 36) that keeps these shoppers apart from any earlier run's.
 */
export function writeSessionPool(path: string, count: number, secret: string): string {
  const runTag = BigInt(`0x${randomBytes(5).toString("hex")}`)
    .toString(36)
    .padStart(8, "0")
    .slice(-8);
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) lines[i] = signedSessionCookie(shopperId(i, runTag), secret);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return runTag;
}
