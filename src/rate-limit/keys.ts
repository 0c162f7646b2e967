import { sha256, toHex } from "../encoding.ts";
import type { RateLimit, RateLimitName } from "./limits.ts";

/**
 * The Redis key prefix of one limit as configured (@upstash/ratelimit appends the identifier and
 * the window): a limit changed in configuration counts afresh rather than reading counts kept
 * under another window, and two configurations of one limit never share a blocked client.
 */
export function limitPrefix(name: RateLimitName, limit: RateLimit): string {
  return `rate-limit:${name}:${limit.requests}/${limit.windowMs}ms`;
}

/**
 * What a client address (src/client-address.ts) is counted under: the first 128 bits of its
 * SHA-256 in hex, so that Redis keys do not list the shop's clients' addresses. (Not a secret:
 * IPv4 addresses are few enough to hash them all.)
 */
export async function addressIdentifier(address: string): Promise<string> {
  return `a_${toHex((await sha256(`address:${address}`)).slice(0, 16))}`;
}

/** What a shopper is counted under: the shopper id itself, random and personal to nobody. */
export function shopperIdentifier(shopperId: string): string {
  return `s_${shopperId}`;
}
