import type { Redis } from "@upstash/redis/cloudflare";
import type { StickyAssignments } from "./assignment.ts";

/**
 * Shoppers' first assignments (issue 13), in Upstash Redis: one hash per shopper, GrowthBook's
 * sticky keys (`<experiment>__0`) to variant keys, the same shape as a GrowthBook sticky-bucket
 * document's `assignments`. Read once per assignment call (HGETALL); written only when a
 * shopper is assigned for the first time, with HSETNX, so of two first assignments racing
 * (two tabs, a weight changed between them) the first stored wins and both answer it.
 */
const KEY_PREFIX = "exp:sticky:";
/** Kept this long after the shopper's last first assignment; the session cookie lives 30 days. */
const TTL_SECONDS = 180 * 24 * 3600;

export const stickyRedisKey = (shopperId: string) => `${KEY_PREFIX}${shopperId}`;

export class StickyStore {
  private readonly redis: Redis;

  constructor(redis: Redis) {
    this.redis = redis;
  }

  /** Everything kept for the shopper ({} for none). */
  async read(shopperId: string): Promise<StickyAssignments> {
    const stored = (await this.redis.hgetall<Record<string, unknown>>(stickyRedisKey(shopperId))) ?? {};
    // The client parses values that look like JSON ("1" comes back as 1): variant keys are strings.
    return Object.fromEntries(Object.entries(stored).map(([field, variant]) => [field, String(variant)]));
  }

  /**
   * Keeps first assignments, unless one is kept already for the same key; answers what is
   * kept for each key now: the given variant, or the one that was there first.
   */
  async keep(shopperId: string, first: StickyAssignments): Promise<StickyAssignments> {
    const entries = Object.entries(first);
    if (entries.length === 0) return {};
    const key = stickyRedisKey(shopperId);
    const pipeline = this.redis.pipeline();
    for (const [field, variant] of entries) pipeline.hsetnx(key, field, variant);
    pipeline.expire(key, TTL_SECONDS);
    const written = (await pipeline.exec()) as number[];
    const lost = entries.filter((_, i) => written[i] !== 1).map(([field]) => field);
    const kept: StickyAssignments = Object.fromEntries(entries);
    if (lost.length) {
      const winners = await this.redis.hmget<Record<string, unknown>>(key, ...lost);
      for (const field of lost) {
        const winner = winners?.[field];
        if (winner !== null && winner !== undefined) kept[field] = String(winner);
      }
    }
    return kept;
  }
}
