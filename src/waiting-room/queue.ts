import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";

/**
 * A sale's waiting room in Redis (issue 12): Upstash is edge-global, so every isolate everywhere
 * hands out places from the same queue. One Lua script per arrival, so that the place, the slot
 * (./admission.ts) and the shopper's own record are decided in one atomic step: two arrivals
 * never get the same place, places and slots rise together, and a shopper who asks again, even
 * concurrently with themself, gets the place they have.
 *
 * Keys (one hash tag per queue, so a cluster keeps a queue and its shoppers on one shard):
 * - `waiting-room:{<sku>:<startsAt>}:queue`, a hash: `place` (the last place given) and `slot`
 *   (the last slot given), kept a day past the sale's end;
 * - `waiting-room:{<sku>:<startsAt>}:shopper:<shopperId>`: `<place>:<slot>:<expires>`, the
 *   shopper's place until their ticket expires (`expires`, ms after the opening), after which
 *   they join again at the back. Expiry is decided on the Worker's clock, like the ticket's,
 *   not on Redis's (its own expiry of the key only clears it away).
 * The opening is part of the name: a sale moved to another start has a new queue.
 */
const JOIN = `-- A shopper's arrival in a sale's waiting room (src/waiting-room/queue.ts).
-- KEYS[1]: the queue; KEYS[2]: this shopper's place in it.
-- ARGV[1]: ms since the opening (negative before it), by the Worker's clock; ARGV[2]: admitPerSecond;
-- ARGV[3]: how long a ticket is good after it admits, ms; ARGV[4]: how long the queue is kept, ms.
local since = tonumber(ARGV[1])
local held = redis.call('GET', KEYS[2])
if held then
  local a = string.find(held, ':', 1, true)
  local b = string.find(held, ':', a + 1, true)
  if tonumber(string.sub(held, b + 1)) > since then
    return {tonumber(string.sub(held, 1, a - 1)), tonumber(string.sub(held, a + 1, b - 1))}
  end
end
local rate = tonumber(ARGV[2])
local slot = 0
if since > 0 then slot = math.floor(since * rate / 1000) end
local last = redis.call('HGET', KEYS[1], 'slot')
if last then slot = math.max(tonumber(last) + 1, slot) end
local place = redis.call('HINCRBY', KEYS[1], 'place', 1)
redis.call('HSET', KEYS[1], 'slot', slot)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local expires = math.floor(slot * 1000 / rate) + tonumber(ARGV[3])
redis.call('SET', KEYS[2], place .. ':' .. slot .. ':' .. expires, 'PX', math.max(1, expires - since))
return {place, slot}
`;

/** How long a queue is kept after its sale ends: past any ticket, for a look at it afterwards. */
const KEPT_AFTER_SALE_MS = 86_400_000;

/** One arrival: who, for which sale, on the server's clock. */
export interface Arrival {
  sku: string;
  startsAt: number;
  endsAt: number;
  shopperId: string;
  admitPerSecond: number;
  ticketTtlSeconds: number;
  now: number;
}

/** A shopper's place (1-based, in order of arrival) and the slot it is admitted in. */
export interface Place {
  place: number;
  slot: number;
}

const placeReply = z.tuple([z.number().int().positive(), z.number().int().nonnegative()]);

/** The queue of one sale's opening, and a shopper's record in it: the keys the script is given. */
export function queueKeys(sku: string, startsAt: number, shopperId: string): [queue: string, shopper: string] {
  const queue = `waiting-room:{${sku}:${startsAt}}`;
  return [`${queue}:queue`, `${queue}:shopper:${shopperId}`];
}

/** The waiting rooms' places in Redis (through @upstash/redis; locally, the Upstash gateway). */
export class WaitingRoomQueue {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** The shopper's place: a new one at the back, or the one they hold (until their ticket expires). */
  async join(arrival: Arrival): Promise<Place> {
    const { sku, startsAt, endsAt, shopperId, admitPerSecond, ticketTtlSeconds, now } = arrival;
    const args = [now - startsAt, admitPerSecond, ticketTtlSeconds * 1000, Math.max(0, endsAt - now) + KEPT_AFTER_SALE_MS];
    const reply = await this.#redis.createScript(JOIN).exec(queueKeys(sku, startsAt, shopperId), args.map(String));
    const [place, slot] = placeReply.parse(reply);
    return { place, slot };
  }
}
