// The ads' exact rolling-window frequency cap and budget in Redis (issue 18, src/ads/frequency-cap.ts),
// through the local Upstash gateway with the real @upstash/redis client: on the in-process store
// always, and on a real Redis when REDIS_URL is set. The clock is passed in; nothing sleeps.

import { Redis } from "@upstash/redis";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashGateway, type UpstashGateway } from "../../scripts/local/upstash-gateway.ts";
import { capAllows, capKey, capWindowMs, FrequencyCapStore } from "../../src/ads/frequency-cap.ts";

const MINUTE = 60_000;
/** 23:50 on day 1 of issue 18's worked example, Beijing time (any fixed time will do). */
const DAY1_2350 = Date.UTC(2026, 10, 20, 15, 50);
const CAP = { impressions: 3, hours: 24 };

const backends: Array<{ backend: "in-process" | "redis"; redisUrl?: string }> = [{ backend: "in-process" }];
if (process.env.REDIS_URL) backends.push({ backend: "redis", redisUrl: process.env.REDIS_URL });

let ids = 0;
const fresh = (kind: string) => `${kind}-fc${process.pid}x${Date.now().toString(36)}x${++ids}`;

describe.each(backends)("the frequency cap on the $backend store", ({ backend, redisUrl }) => {
  let gateway: UpstashGateway;
  let redis: Redis;
  let store: FrequencyCapStore;

  beforeAll(async () => {
    gateway = await startUpstashGateway({ port: 0, token: "frequency-cap-test", redisUrl });
    expect(gateway.backend).toBe(backend);
    redis = new Redis({ url: gateway.url, token: gateway.token, enableTelemetry: false, retry: false });
    store = new FrequencyCapStore(redis);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const attempt = (campaignId: string, shopperId: string, now: number, budget = 1_000, cap = CAP) =>
    store.serve({ campaignId, shopperId, impressionId: crypto.randomUUID(), cap, budget, now });

  it("follows issue 18's worked example: 3 at 23:50, a 4th at 00:10 next day refused, 23:51 the day after allowed", async () => {
    const [campaign, shopper] = [fresh("cmp"), fresh("shp")];
    for (let i = 1; i <= 3; i++) {
      expect(await attempt(campaign, shopper, DAY1_2350)).toMatchObject({ served: true, inWindow: i });
    }
    expect(await attempt(campaign, shopper, DAY1_2350 + 20 * MINUTE)).toEqual({ served: false, reason: "capped", inWindow: 3 });
    expect(await attempt(campaign, shopper, DAY1_2350 + 24 * 60 * MINUTE + MINUTE)).toMatchObject({ served: true, inWindow: 1 });
    // Another campaign, and another shopper, have logs of their own.
    expect(await attempt(fresh("cmp"), shopper, DAY1_2350 + 20 * MINUTE)).toMatchObject({ served: true });
    expect(await attempt(campaign, fresh("shp"), DAY1_2350 + 20 * MINUTE)).toMatchObject({ served: true });
  });

  it("keeps the log only as long as the window: its expiry is the window's length", async () => {
    const [campaign, shopper] = [fresh("cmp"), fresh("shp")];
    await attempt(campaign, shopper, DAY1_2350, 10, { impressions: 3, hours: 2 });
    const ttl = await redis.pttl(capKey(campaign, shopper));
    expect(ttl).toBeGreaterThan(2 * 60 * MINUTE - MINUTE);
    expect(ttl).toBeLessThanOrEqual(2 * 60 * MINUTE);
  });

  it("serves exactly 3 of 20 simultaneous requests for one shopper", async () => {
    const [campaign, shopper] = [fresh("cmp"), fresh("shp")];
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => attempt(campaign, shopper, DAY1_2350)));
    expect(verdicts.filter((v) => v.served)).toHaveLength(3);
    expect(verdicts.filter((v) => !v.served && v.reason === "capped")).toHaveLength(17);
    expect((await store.spent([campaign])).get(campaign)).toBe(3);
  });

  it("stops a campaign exactly at its budget, even with 30 shoppers at once, and a capped request spends none", async () => {
    const campaign = fresh("cmp");
    const verdicts = await Promise.all(Array.from({ length: 30 }, () => attempt(campaign, fresh("shp"), DAY1_2350, 7)));
    expect(verdicts.filter((v) => v.served)).toHaveLength(7);
    expect(verdicts.filter((v) => !v.served && v.reason === "budget_spent")).toHaveLength(23);
    const capped = fresh("cmp");
    const shopper = fresh("shp");
    for (let i = 0; i < 5; i++) await attempt(capped, shopper, DAY1_2350, 100);
    expect((await store.spent([capped, campaign, fresh("cmp")])).get(capped)).toBe(3);
    expect((await store.spent([fresh("cmp")])).values().next().value).toBe(0);
  });

  it("agrees with the pure rolling-window model on any sequence of impressions (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ step: fc.integer({ min: 0, max: 10 * 60 }), shopper: fc.integer({ min: 0, max: 2 }) }), {
          minLength: 1,
          maxLength: 25,
        }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        async (arrivals, impressions, hours) => {
          const cap = { impressions, hours };
          const campaign = fresh("cmp");
          const model: number[][] = [[], [], []];
          let now = DAY1_2350;
          for (const { step, shopper } of arrivals) {
            now += step * MINUTE;
            const expected = capAllows(model[shopper]!, now, cap);
            const verdict = await attempt(campaign, `shp-${shopper}`, now, 1_000, cap);
            expect(verdict.served).toBe(expected);
            if (expected) model[shopper]!.push(now);
            const inWindow = model[shopper]!.filter((t) => t > now - capWindowMs(cap)).length;
            if (verdict.served || verdict.reason === "capped") expect(verdict.inWindow).toBe(inWindow);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
