import type { Redis } from "@upstash/redis/cloudflare";
import { dailyCap } from "./daily-cap.ts";
import type { FenceStep } from "./geofence.ts";

/**
 * The geofence's state in Redis (issue 15), shared by every isolate that a shopper's pings
 * reach:
 * - `geo:inside:<shopperId>`: a hash of the stores the shopper is inside (field: store id,
 *   value: when they entered, epoch ms), expiring STATE_TTL_SECONDS after the last ping that
 *   changed it. A shopper who stops pinging is forgotten: the next ping near a store counts as
 *   entering, and the daily cap keeps that from pushing twice the same day.
 * - `geo:cap:<storeId>:<shopperId>:<local day>`: the day's push, claimed with SET NX EX
 *   (daily-cap.ts).
 */
export const STATE_TTL_SECONDS = 6 * 3_600;

const insideKey = (shopperId: string) => `geo:inside:${shopperId}`;

export class GeofenceMemory {
  private readonly redis: Redis;

  constructor(redis: Redis) {
    this.redis = redis;
  }

  /** The stores the shopper is inside, as last remembered. */
  async insideOf(shopperId: string): Promise<Set<string>> {
    const hash = await this.redis.hgetall<Record<string, unknown>>(insideKey(shopperId));
    return new Set(Object.keys(hash ?? {}));
  }

  /** Remembers what a ping changed (nothing to write when it changed nothing). */
  async remember(shopperId: string, step: FenceStep, at: number): Promise<void> {
    if (step.entered.length === 0 && step.left.length === 0) return;
    const key = insideKey(shopperId);
    const pipeline = this.redis.pipeline();
    if (step.entered.length > 0) pipeline.hset(key, Object.fromEntries(step.entered.map((id) => [id, at])));
    if (step.left.length > 0) pipeline.hdel(key, ...step.left);
    pipeline.expire(key, STATE_TTL_SECONDS);
    await pipeline.exec();
  }

  /** Claims today's push of a store to a shopper: true for exactly one caller per store, shopper and local day. */
  async claimPush(shopperId: string, store: { id: string; timeZone: string }, at: number): Promise<boolean> {
    const { key, ttlSeconds } = dailyCap(shopperId, store, at);
    return (await this.redis.set(key, 1, { nx: true, ex: ttlSeconds })) === "OK";
  }
}
