import type { Redis } from "@upstash/redis/cloudflare";
import { sha256, toHex } from "../encoding.ts";
import { SIGN_IN_LIMITS, signInVerdict, type SignInLimits, type SignInVerdict } from "./sign-in-limit.ts";

/**
 * Failed staff sign-ins counted in Upstash Redis, edge-global so every isolate sees the same
 * counts (issue 11). Each attempt is counted before its password is checked, and given back
 * when it succeeds: counting after the check would let a burst of concurrent guesses all
 * pass a check that none of them had counted yet.
 *
 * Each counter is created with its expiry in the same MULTI as its INCR (`SET key 0 NX PX`,
 * then `INCR`), so there is never a counter without an expiry, whatever fails in between,
 * and a window is never extended by the attempts inside it. Keys hold a hash of the email
 * and of the address, not the values.
 */
export class SignInLimiter {
  readonly #redis: Redis;
  readonly #limits: SignInLimits;

  constructor(redis: Redis, limits: SignInLimits = SIGN_IN_LIMITS) {
    this.#redis = redis;
    this.#limits = limits;
  }

  /** Counts an attempt for this email and address, and says whether it may go ahead. */
  async countAttempt(email: string, address: string): Promise<SignInVerdict> {
    const [emailKey, addressKey] = await this.#keys(email, address);
    const window = { nx: true, px: this.#limits.windowMs } as const;
    const replies = await this.#redis
      .multi()
      .set(emailKey, 0, window)
      .incr(emailKey)
      .pttl(emailKey)
      .set(addressKey, 0, window)
      .incr(addressKey)
      .pttl(addressKey)
      .exec();
    const [, emailCount, emailTtl, , addressCount, addressTtl] = replies.map(Number);
    return signInVerdict({ count: emailCount!, ttlMs: emailTtl! }, { count: addressCount!, ttlMs: addressTtl! }, this.#limits);
  }

  /**
   * Gives back a successful attempt's count: only failures stay counted. The `SET NX PX`
   * before each DECR means a window that ended meanwhile leaves a counter that expires too.
   */
  async forgiveAttempt(email: string, address: string): Promise<void> {
    const [emailKey, addressKey] = await this.#keys(email, address);
    const window = { nx: true, px: this.#limits.windowMs } as const;
    await this.#redis.multi().set(emailKey, 0, window).decr(emailKey).set(addressKey, 0, window).decr(addressKey).exec();
  }

  async #keys(email: string, address: string): Promise<[string, string]> {
    const digest = async (text: string) => toHex(await sha256(text)).slice(0, 32);
    return [`staff-sign-in:email:${await digest(email)}`, `staff-sign-in:address:${await digest(address)}`];
  }
}
