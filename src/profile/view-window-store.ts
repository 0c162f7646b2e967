import type { Redis } from "@upstash/redis/cloudflare";
import type { ShopperEvent } from "../events/event.ts";
import { MAX_KEPT_VIEWS, PROFILE_TTL_MS, viewSetUpdates, viewsKey, windowOfRange, windowRange } from "./view-set.ts";
import type { ViewWindow } from "./view-window.ts";

/**
 * Shoppers' view windows in Upstash Redis (issue 13): the Redis calls, and only those; what to
 * send and how to read it is ./view-set.ts. Redis is edge-global, so a view recorded by the
 * events consumer anywhere is in the shopper's window everywhere.
 */
export class ViewWindowStore {
  private readonly redis: Redis;

  constructor(redis: Redis) {
    this.redis = redis;
  }

  /**
   * Records the product views among stored events, in one pipeline (one HTTP request) for the
   * whole batch: per shopper `ZADD GT`, the trim of what left the window, the cap, the expiry.
   * Each command is safe to repeat and in any order with others, so a redelivered batch or two
   * consumers at once leave the same set. Returns how many shoppers' windows it touched.
   */
  async record(events: readonly ShopperEvent[], now: number): Promise<number> {
    const updates = viewSetUpdates(events, now);
    if (updates.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const { key, members, trimThrough } of updates) {
      const [first, ...rest] = members;
      if (first) pipeline.zadd(key, { gt: true }, first, ...rest);
      pipeline.zremrangebyscore(key, "-inf", trimThrough);
      pipeline.zremrangebyrank(key, 0, -(MAX_KEPT_VIEWS + 1));
      pipeline.pexpire(key, PROFILE_TTL_MS);
    }
    await pipeline.exec();
    return updates.length;
  }

  /** The shopper's window at `now`, (now − 30 min, now]: one ZRANGE. */
  async read(shopperId: string, now: number): Promise<ViewWindow> {
    const { min, max } = windowRange(now);
    const flat = await this.redis.zrange<unknown[]>(viewsKey(shopperId), min, max, { byScore: true, withScores: true });
    return windowOfRange(flat, now);
  }
}
