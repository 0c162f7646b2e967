import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";

/**
 * The ads' frequency cap (issue 18): at most `impressions` of a campaign per shopper in ANY
 * rolling `hours`, exactly. Not a fixed window (3 at 23:50 and 3 more at 00:10 would pass a
 * per-day counter) and not an approximation (a sliding-window counter's weighted estimate):
 * each shopper's impressions of a campaign are a log, a Redis sorted set scored by time.
 *
 * One Lua script per impression checks and records in one atomic step, so 20 requests at once
 * for one shopper serve exactly `impressions` of them. The same script counts the campaign's
 * budget (total served impressions), so a campaign stops exactly at its budget, and a request
 * refused by the cap spends none of it.
 *
 * The window is (now − hours, now]: an impression leaves it exactly `hours` after it was
 * served. Time is the Worker's clock, passed in (never Redis's), so tests control it.
 */

/** A campaign's cap: `impressions` per shopper in any rolling `hours`. */
export interface FrequencyCap {
  impressions: number;
  hours: number;
}

const HOUR_MS = 3_600_000;

/** The window's length in ms. */
export function capWindowMs(cap: FrequencyCap): number {
  return cap.hours * HOUR_MS;
}

/**
 * The pure model the Lua script implements (and the property tests hold it to): given the
 * times of the impressions already served, may one more be served at `now`?
 */
export function capAllows(served: readonly number[], now: number, cap: FrequencyCap): boolean {
  const since = now - capWindowMs(cap);
  return served.filter((at) => at > since).length < cap.impressions;
}

/** What one attempt to serve an impression came to. */
export type ImpressionVerdict =
  | { served: true; inWindow: number; spent: number }
  | { served: false; reason: "capped"; inWindow: number }
  | { served: false; reason: "budget_spent"; spent: number };

/** Keys share the campaign's hash tag, so a cluster keeps a campaign's log and budget on one shard. */
export function capKey(campaignId: string, shopperId: string): string {
  return `ad-cap:{${campaignId}}:${shopperId}`;
}

/** The campaign's served-impressions counter. */
export function budgetKey(campaignId: string): string {
  return `ad-cap:{${campaignId}}:budget`;
}

/** How long a campaign's budget counter outlives its last impression: it is read by the report. */
export const BUDGET_KEPT_MS = 400 * 24 * HOUR_MS;

const SERVE = `-- One ad impression, capped and budgeted (src/ads/frequency-cap.ts).
-- KEYS[1]: the (campaign, shopper) log, a sorted set of impression ids scored by ms;
-- KEYS[2]: the campaign's served-impressions counter.
-- ARGV[1]: now (ms, the Worker's clock); ARGV[2]: the window (ms); ARGV[3]: the cap;
-- ARGV[4]: the budget; ARGV[5]: this impression's id; ARGV[6]: how long the counter is kept (ms).
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then return {0, count} end
local spent = tonumber(redis.call('GET', KEYS[2]) or '0')
if spent >= tonumber(ARGV[4]) then return {-1, spent} end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window)
spent = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return {1, count + 1, spent}
`;

const reply = z.union([
  z.tuple([z.literal(1), z.number().int(), z.number().int()]),
  z.tuple([z.literal(0), z.number().int()]),
  z.tuple([z.literal(-1), z.number().int()]),
]);

/** One impression to try: the campaign's cap and budget, the shopper, the impression's own id. */
export interface ImpressionAttempt {
  campaignId: string;
  shopperId: string;
  impressionId: string;
  cap: FrequencyCap;
  budget: number;
  now: number;
}

/** The frequency-cap logs and budget counters in Upstash Redis (locally, the gateway). */
export class FrequencyCapStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Checks the cap and the budget and, when both allow, records the impression: one atomic script. */
  async serve(attempt: ImpressionAttempt): Promise<ImpressionVerdict> {
    const { campaignId, shopperId, impressionId, cap, budget, now } = attempt;
    const args = [now, capWindowMs(cap), cap.impressions, budget, impressionId, BUDGET_KEPT_MS];
    const raw = await this.#redis.createScript(SERVE).exec([capKey(campaignId, shopperId), budgetKey(campaignId)], args.map(String));
    const parsed = reply.parse(raw);
    if (parsed[0] === 1) return { served: true, inWindow: parsed[1], spent: parsed[2] };
    if (parsed[0] === 0) return { served: false, reason: "capped", inWindow: parsed[1] };
    return { served: false, reason: "budget_spent", spent: parsed[1] };
  }

  /** How many impressions each campaign has served (its budget spent); 0 for one never served. */
  async spent(campaignIds: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    if (campaignIds.length === 0) return result;
    const pipeline = this.#redis.pipeline();
    for (const id of campaignIds) pipeline.get(budgetKey(id));
    const values = await pipeline.exec();
    for (const [i, id] of campaignIds.entries()) result.set(id, Number(values[i] ?? 0));
    return result;
  }
}
