import type { Redis } from "@upstash/redis/cloudflare";
import { AppError } from "../../../src/errors.ts";
import { addressIdentifier } from "../../../src/rate-limit/keys.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { withTimeout } from "../../../src/timeout.ts";
import { RATE_LIMIT_WAIT_MS } from "./rate-limit.ts";

/**
 * Failed bearer-credential attempts per client address (store-staff tokens, issue 15; CRM API
 * keys, issue 16), counted in Upstash Redis so every isolate sees the same count. Each secret is
 * 256 random bits, so guessing is hopeless, but a script trying credentials from one address
 * should still be stopped cheaply. Only failures count (a till checking its token every few
 * seconds costs nothing); an address with `limit` failures inside the window is refused until
 * the window ends, even with a good credential. The counter is created with its expiry in the
 * same MULTI as its INCR, as the staff sign-in limiter does (src/staff/sign-in-limiter.ts):
 * never a counter without an expiry. Redis failing or slower than RATE_LIMIT_WAIT_MS fails open,
 * logged, as the shopper rate limits do: the credential check itself still stands.
 */
export const CREDENTIAL_FAILURES = { limit: 20, windowMs: 15 * 60_000 } as const;

/** Whose credentials: each realm counts apart (and "store-staff" keeps its issue-15 keys). */
export type CredentialRealm = "store-staff" | "crm";

export class CredentialFailures {
  readonly #redis: Redis;
  readonly #realm: CredentialRealm;

  constructor(redis: Redis, realm: CredentialRealm) {
    this.#redis = redis;
    this.#realm = realm;
  }

  /** Seconds until the address may try again, or null when it may now. */
  refusedFor(address: string): Promise<number | null> {
    return this.#bounded(async () => {
      const key = await this.#key(address);
      const [count, ttlMs] = (await this.#redis.multi().get(key).pttl(key).exec()).map(Number);
      if (!count || count < CREDENTIAL_FAILURES.limit) return null;
      return Math.max(1, Math.ceil((ttlMs ?? CREDENTIAL_FAILURES.windowMs) / 1000));
    }, null);
  }

  /** Counts one failed attempt from the address. */
  count(address: string): Promise<void> {
    return this.#bounded(async () => {
      const key = await this.#key(address);
      await this.#redis.multi().set(key, 0, { nx: true, px: CREDENTIAL_FAILURES.windowMs }).incr(key).exec();
    }, undefined);
  }

  async #bounded<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await withTimeout(work(), RATE_LIMIT_WAIT_MS);
    } catch (error) {
      const reason = redactSecrets(error instanceof Error ? error.message : String(error));
      console.error(`${this.#realm}: the failure limiter did not answer (${reason})`);
      return fallback;
    }
  }

  async #key(address: string): Promise<string> {
    return `${this.#realm}-failures:${await addressIdentifier(address)}`;
  }
}

/** The 429 of an address refused for `wait` seconds, with its Retry-After. */
export function tooManyFailures(c: { header: (name: string, value: string) => void }, what: string, wait: number): never {
  c.header("Retry-After", String(wait));
  throw new AppError("rate_limited", `too many wrong ${what} from this address; try again in ${wait} s`, { retryAfter: wait });
}

/** The sentence the OpenAPI document says about the limit. */
export const failureLimitNote = (what: string) =>
  `${CREDENTIAL_FAILURES.limit} wrong ${what} from one address within ${CREDENTIAL_FAILURES.windowMs / 60_000} min: 429 \`rate_limited\` with \`Retry-After\` until the window ends.`;
