import type { Redis } from "@upstash/redis/cloudflare";
import { addressIdentifier } from "../../../src/rate-limit/keys.ts";

/**
 * Failed store-staff token attempts per client address (issue 15), counted in Upstash Redis so
 * every isolate sees the same count: a till's token is 256 random bits, so guessing is hopeless,
 * but a script trying tokens from one address should still be stopped cheaply. Only failures
 * count (a till checking its token every few seconds costs nothing); an address with
 * FAILURE_LIMIT failures inside the window is refused until the window ends, even with a good
 * token. The counter is created with its expiry in the same MULTI as its INCR, as the staff
 * sign-in limiter does (src/staff/sign-in-limiter.ts): never a counter without an expiry.
 */
export const STAFF_TOKEN_FAILURES = { limit: 20, windowMs: 15 * 60_000 } as const;

export class StaffTokenFailures {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Seconds until the address may try again, or null when it may now. */
  async refusedFor(address: string): Promise<number | null> {
    const key = await this.#key(address);
    const [count, ttlMs] = (await this.#redis.multi().get(key).pttl(key).exec()).map(Number);
    if (!count || count < STAFF_TOKEN_FAILURES.limit) return null;
    return Math.max(1, Math.ceil((ttlMs ?? STAFF_TOKEN_FAILURES.windowMs) / 1000));
  }

  /** Counts one failed attempt from the address. */
  async count(address: string): Promise<void> {
    const key = await this.#key(address);
    await this.#redis.multi().set(key, 0, { nx: true, px: STAFF_TOKEN_FAILURES.windowMs }).incr(key).exec();
  }

  async #key(address: string): Promise<string> {
    return `store-staff-failures:${await addressIdentifier(address)}`;
  }
}
