// A shopper's 30-minute view window kept in Redis (issue 13, src/profile/view-window-store.ts),
// through the local Upstash gateway with the real @upstash/redis client: on the in-process store
// always, and on a real Redis when REDIS_URL is set. The clock is passed in; nothing sleeps.

import { Redis } from "@upstash/redis";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashGateway, type UpstashGateway } from "../../scripts/local/upstash-gateway.ts";
import type { ShopperEvent } from "../../src/events/event.ts";
import { MAX_KEPT_VIEWS, PROFILE_TTL_MS, viewsKey } from "../../src/profile/view-set.ts";
import { ViewWindowStore } from "../../src/profile/view-window-store.ts";
import { type ProductView, VIEW_WINDOW_MS, viewWindow } from "../../src/profile/view-window.ts";

const MINUTE = 60_000;
/** Minute 0 of the worked example: any fixed time will do. */
const T0 = Date.UTC(2026, 10, 11, 0, 0, 0);
const at = (minutes: number) => T0 + minutes * MINUTE;

const backends: Array<{ backend: "in-process" | "redis"; redisUrl?: string }> = [{ backend: "in-process" }];
if (process.env.REDIS_URL) backends.push({ backend: "redis", redisUrl: process.env.REDIS_URL });

let shoppers = 0;
const newShopper = () => `shp_pw${process.pid}x${Date.now().toString(36)}x${++shoppers}`;

function productView(shopperId: string, view: ProductView, n = 0): ShopperEvent {
  return { id: `view-${shopperId}-${view.at}-${n}`, type: "product_view", shopperId, device: "phone", ...view };
}

describe.each(backends)("a shopper's view window on the $backend store", ({ backend, redisUrl }) => {
  let gateway: UpstashGateway;
  let redis: Redis;
  let store: ViewWindowStore;
  const used: string[] = [];

  beforeAll(async () => {
    gateway = await startUpstashGateway({ port: 0, token: "profile-window-test", redisUrl });
    expect(gateway.backend).toBe(backend);
    redis = new Redis({ url: gateway.url, token: gateway.token, enableTelemetry: false, retry: false });
    store = new ViewWindowStore(redis);
  });

  afterAll(async () => {
    if (!gateway) return;
    for (let i = 0; i < used.length; i += 500) await redis.del(...used.slice(i, i + 500));
    await gateway.close();
  });

  const shopper = () => {
    const id = newShopper();
    used.push(viewsKey(id));
    return id;
  };

  it("follows issue 13's worked example: 3 distinct and phones at 31, 2 at 45, none at 60", async () => {
    const id = shopper();
    const views: ProductView[] = [
      { sku: "sku-a", category: "shoes", at: at(0) },
      { sku: "sku-b", category: "bags", at: at(10) },
      { sku: "sku-a", category: "shoes", at: at(20) },
      { sku: "sku-c", category: "phones", at: at(29) },
    ];
    // Each view reaches the consumer as it happens, one batch each.
    for (const view of views) await store.record([productView(id, view)], view.at);

    const at31 = await store.read(id, at(31));
    expect(at31).toMatchObject({ distinct: 3, latestCategory: "phones" });
    expect(at31.products).toEqual([
      { sku: "sku-c", category: "phones", at: at(29) },
      { sku: "sku-a", category: "shoes", at: at(20) },
      { sku: "sku-b", category: "bags", at: at(10) },
    ]);
    expect(await store.read(id, at(45))).toMatchObject({ distinct: 2, latestCategory: "phones" });
    expect(await store.read(id, at(60))).toEqual({ products: [], distinct: 0, latestCategory: null });
    // The edges: a view exactly 30 minutes old is out, one a millisecond younger is in.
    expect((await store.read(id, at(50) - 1)).products.map((p) => p.sku)).toEqual(["sku-c", "sku-a"]);
    expect((await store.read(id, at(50))).products.map((p) => p.sku)).toEqual(["sku-c"]);
    expect((await store.read(id, at(59) - 1)).distinct).toBe(1);
    expect((await store.read(id, at(59))).distinct).toBe(0);
    // A view is in from the moment it happened, not before.
    expect((await store.read(id, at(29))).latestCategory).toBe("phones");
    expect((await store.read(id, at(29) - 1)).latestCategory).toBe("shoes");
  });

  it("counts a repeat view once; a late, older view moves nothing back; the set is trimmed and expires", async () => {
    const id = shopper();
    const newer = { sku: "sku-a", category: "shoes", at: at(20) };
    await store.record([productView(id, newer), productView(id, { ...newer, at: at(19) }, 1)], at(20));
    // Delivered late, in a batch of its own: the view at minute 5.
    await store.record([productView(id, { ...newer, at: at(5) }, 2)], at(21));
    expect(await redis.zrange(viewsKey(id), 0, -1, { withScores: true })).toEqual(["sku-a|shoes", at(20)]);
    expect(await store.read(id, at(21))).toEqual({ products: [newer], distinct: 1, latestCategory: "shoes" });

    // A batch 40 minutes later trims the old view away, and what is already out is never added.
    await store.record(
      [productView(id, { sku: "sku-b", category: "bags", at: at(60) }), productView(id, { ...newer, at: at(30) }, 3)],
      at(60),
    );
    expect(await redis.zrange(viewsKey(id), 0, -1)).toEqual(["sku-b|bags"]);
    const ttl = await redis.pttl(viewsKey(id));
    expect(ttl).toBeGreaterThan(PROFILE_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(PROFILE_TTL_MS);
  });

  it("keeps the newest members of a crawler, and touches nothing for a batch without views", async () => {
    const id = shopper();
    const flood = Array.from({ length: MAX_KEPT_VIEWS + 20 }, (_, i) =>
      productView(id, { sku: `sku-${i}`, category: "x", at: at(10) + i }),
    );
    expect(await store.record(flood, at(11))).toBe(1);
    expect(await redis.zcard(viewsKey(id))).toBe(MAX_KEPT_VIEWS);
    expect((await store.read(id, at(11))).products[0]?.sku).toBe(`sku-${MAX_KEPT_VIEWS + 19}`);
    const pageView: ShopperEvent = { id: `pv-${id}`, type: "page_view", shopperId: id, device: "phone", at: at(11) };
    expect(await store.record([pageView], at(11))).toBe(0);
  });

  // The property: whatever views arrive, in whatever batches and order (late ones included, and
  // ones dated a little ahead of the consumer's clock), a read at any moment after the views
  // happened is what `viewWindow` says of every view sent. (Redis keeps a SKU's latest view only,
  // so a reader whose clock is behind a view's date, by the skew the consumer tolerates, sees
  // that SKU from its latest view's date on, where viewWindow would show an earlier view.)
  it("equals viewWindow over any sequence of batches and reads", async () => {
    const view = fc.record({
      sku: fc.constantFrom("sku-a", "sku-b", "sku-c", "sku-d", "sku-e"),
      category: fc.constantFrom("shoes", "bags", "phones"),
      // From 40 minutes before the consumer's clock to 5 minutes after it (CONSUMER_FUTURE_TOLERANCE_MS).
      offset: fc.integer({ min: -40 * MINUTE, max: 5 * MINUTE }),
    });
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("record" as const),
        advance: fc.integer({ min: 0, max: 12 * MINUTE }),
        views: fc.array(view, { maxLength: 6 }),
      }),
      fc.record({ kind: fc.constant("read" as const), advance: fc.integer({ min: 0, max: 12 * MINUTE }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const id = shopper();
        const sent: ProductView[] = [];
        let now = at(0);
        let n = 0;
        for (const s of steps) {
          now += s.advance;
          if (s.kind === "read") now = Math.max(now, ...sent.map((v) => v.at));
          if (s.kind === "record") {
            // Distinct times (a millisecond apart at least): with two views at the same moment
            // the "latest" is a tie, which neither side decides the same way.
            const views = s.views.map((v) => ({ sku: v.sku, category: v.category, at: now + v.offset - (v.offset % 1000) + ++n }));
            sent.push(...views);
            await store.record(
              views.map((v, i) => productView(id, v, i)),
              now,
            );
          } else {
            expect(await store.read(id, now)).toEqual(viewWindow(sent, now));
          }
        }
        const end = Math.max(now, ...sent.map((v) => v.at)) + VIEW_WINDOW_MS / 2;
        expect(await store.read(id, end)).toEqual(viewWindow(sent, end));
      }),
      { numRuns: 60 },
    );
  });
});
