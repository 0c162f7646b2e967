import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { stores } from "../../src/db/schema.ts";
import { type ShopperEvent, shopperEventSchema } from "../../src/events/event.ts";
import { insertEvents } from "../../src/events/event-store.ts";
import type { LivestreamReport, StoreCouponReport, StoreReport } from "../../src/store-coupons/report.ts";
import { asOwner, call, errorOf } from "./staff-support.ts";

/**
 * The store-coupon figures (issue 15) in workerd: event rows written into the test Postgres as
 * the events consumer writes them (src/events/event-store.ts), livestream configurations in KV,
 * stores in `stores`; the admin routes read them back.
 *
 * The fixture, on 1 March 2020 in Shanghai (a day no other test writes events on), ids fresh per run:
 * - live A lists stores S1 and S2; 40 coupons claimed at 09:30. Redeemed in S1 at 10:05, 10:20,
 *   10:59, 14:00, 23:59:59 and (the next day) 00:00:00; in S2 three at 11:30. 9 of 40: 22.5 %.
 * - live B lists S2; 10 claimed at 09:30, 5 redeemed in S2 at 12:10. 50 %.
 * - Not counted: a claim without a livestream (an online coupon), a coupon spent at online
 *   checkout (no store), a claim reported twice under two event ids (one coupon), and a
 *   redemption on 20 February (outside every window asked for).
 *
 * By hand: all together 50 claimed, 14 redeemed (28 %); S1 40 claimed (A's), 6 redeemed (15 %);
 * S2 50 claimed (A's and B's), 8 redeemed (16 %). Per Shanghai day: 1 March 13, 2 March 1.
 * Live A hourly from 09:00 to 15:00: 0, 3, 3, 0, 0, 1 (7 of 40 in that window: 17.5 %).
 */
const HOUR = 3_600_000;
const MARCH_1 = Date.UTC(2020, 1, 29, 16); // 2020-03-01 00:00 in Shanghai (a leap year: 29 February)
const at = (hours: number, minutes = 0, seconds = 0) => MARCH_1 + hours * HOUR + minutes * 60_000 + seconds * 1_000;

const run = crypto.randomUUID().slice(0, 8);
const LIVE_A = `live-a-${run}`;
const LIVE_B = `live-b-${run}`;
const S1 = `s1-${run}`;
const S2 = `s2-${run}`;

let serial = 0;
function event(type: "coupon_claimed" | "coupon_redeemed", when: number, props: Record<string, string>): ShopperEvent {
  return shopperEventSchema.parse({
    type,
    id: `evt-${run}-${++serial}`,
    shopperId: `shp_${run}${serial % 7}`,
    device: "unknown",
    at: when,
    ...props,
  }) as ShopperEvent; // the schema checks the event; its output type is the union's members merged
}

const claim = (livestreamId: string, n: number, when = at(9, 30)) =>
  event("coupon_claimed", when, { couponId: `cpn_${livestreamId}_${n}`, livestreamId, templateId: `tpl-${run}` });
const redeem = (livestreamId: string, n: number, storeId: string, when: number) =>
  event("coupon_redeemed", when, { couponId: `cpn_${livestreamId}_${n}`, livestreamId, storeId, templateId: `tpl-${run}` });

beforeAll(async () => {
  const rows: ShopperEvent[] = [
    ...Array.from({ length: 40 }, (_, i) => claim(LIVE_A, i)),
    ...Array.from({ length: 10 }, (_, i) => claim(LIVE_B, i)),
    claim(LIVE_A, 0), // the same coupon's claim again, under another event id
    event("coupon_claimed", at(9, 30), { couponId: `cpn_online_${run}` }),
    event("coupon_redeemed", at(10), { couponId: `cpn_online_${run}`, orderId: `ord-${run}` }),
    redeem(LIVE_A, 0, S1, at(10, 5)),
    redeem(LIVE_A, 1, S1, at(10, 20)),
    redeem(LIVE_A, 2, S1, at(10, 59)),
    redeem(LIVE_A, 3, S1, at(14)),
    redeem(LIVE_A, 4, S1, at(23, 59, 59)),
    redeem(LIVE_A, 5, S1, at(24)),
    ...[6, 7, 8].map((n) => redeem(LIVE_A, n, S2, at(11, 30))),
    ...[0, 1, 2, 3, 4].map((n) => redeem(LIVE_B, n, S2, at(12, 10))),
    redeem(LIVE_A, 9, S1, MARCH_1 - 9 * 24 * HOUR),
  ];
  const now = new Date();
  await withDatabase(databaseSettings(env), async (db) => {
    await insertEvents(db, rows, Date.now());
    await db.insert(stores).values(
      [
        { id: S1, name: "徐汇店 Xuhui" },
        { id: S2, name: "静安店 Jing'an" },
      ].map((s) => ({
        ...s,
        address: "1 Road",
        city: "上海",
        latitude: 31.2,
        longitude: 121.4,
        timeZone: "Asia/Shanghai",
        openingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
        createdAt: now,
        updatedAt: now,
      })),
    );
  });
  // Livestream configurations as their admin routes keep them; only `title` and `stores` are read.
  await env.SALES.put(
    `livestream:${LIVE_A}`,
    JSON.stringify({ id: LIVE_A, title: "双11 直播 A", stores: [S1, S2], version: 3, paused: false }),
  );
  await env.SALES.put(`livestream:${LIVE_B}`, JSON.stringify({ id: LIVE_B, title: "Live B", stores: [S2], version: 1 }));
});

const twoDays = `from=${MARCH_1}&to=${MARCH_1 + 48 * HOUR}&bucket=day`;

describe("store-coupon figures (issue 15): GET /admin/api/store-coupons/stats, /livestreams/{id}/stats, /stores/{id}/stats", () => {
  it("counts every livestream and store: claimed, redeemed, rate, and redemptions per Shanghai day", async () => {
    const response = await asOwner(`/store-coupons/stats?${twoDays}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const report = await response.json<StoreCouponReport>();
    expect(report.window).toEqual({ from: MARCH_1, to: MARCH_1 + 48 * HOUR, bucket: "day", timeZone: "Asia/Shanghai" });
    expect(report.totals).toEqual({ claimed: 50, redeemed: 14, redemptionRate: 0.28 });
    expect(report.livestreams).toEqual([
      { livestreamId: LIVE_A, title: "双11 直播 A", claimed: 40, redeemed: 9, redemptionRate: 0.225 },
      { livestreamId: LIVE_B, title: "Live B", claimed: 10, redeemed: 5, redemptionRate: 0.5 },
    ]);
    expect(report.stores).toEqual([
      { storeId: S2, name: "静安店 Jing'an", claimed: 50, redeemed: 8, redemptionRate: 0.16 },
      { storeId: S1, name: "徐汇店 Xuhui", claimed: 40, redeemed: 6, redemptionRate: 0.15 },
    ]);
    // 23:59:59 on 1 March is the 1st's, 00:00:00 the 2nd's (UTC would have split the day at 08:00).
    expect(report.series).toEqual([
      { at: MARCH_1, redeemed: 13 },
      { at: MARCH_1 + 24 * HOUR, redeemed: 1 },
    ]);
  });

  it("answers one livestream by the hour, empty hours as 0, and its stores", async () => {
    const response = await asOwner(`/livestreams/${LIVE_A}/stats?from=${at(9)}&to=${at(15)}&bucket=hour`);
    expect(response.status).toBe(200);
    const report = await response.json<LivestreamReport>();
    expect(report.livestream).toEqual({ id: LIVE_A, title: "双11 直播 A", stores: [S1, S2] });
    expect(report.figures).toEqual({ claimed: 40, redeemed: 7, redemptionRate: 0.175 });
    expect(report.series.map((p) => p.redeemed)).toEqual([0, 3, 3, 0, 0, 1]);
    expect(report.series.map((p) => p.at)).toEqual([9, 10, 11, 12, 13, 14].map((h) => at(h)));
    expect(report.stores).toEqual([
      { storeId: S1, name: "徐汇店 Xuhui", claimed: 40, redeemed: 4, redemptionRate: 0.1 },
      { storeId: S2, name: "静安店 Jing'an", claimed: 40, redeemed: 3, redemptionRate: 0.075 },
    ]);
  });

  it("answers one store: claims of the livestreams that list it, its redemptions, per livestream", async () => {
    const s2 = await (await asOwner(`/stores/${S2}/stats?${twoDays}`)).json<StoreReport>();
    expect(s2.store).toEqual({ id: S2, name: "静安店 Jing'an" });
    expect(s2.figures).toEqual({ claimed: 50, redeemed: 8, redemptionRate: 0.16 });
    expect(s2.livestreams).toEqual([
      { livestreamId: LIVE_A, title: "双11 直播 A", claimed: 40, redeemed: 3, redemptionRate: 0.075 },
      { livestreamId: LIVE_B, title: "Live B", claimed: 10, redeemed: 5, redemptionRate: 0.5 },
    ]);
    expect(s2.series).toEqual([
      { at: MARCH_1, redeemed: 8 },
      { at: MARCH_1 + 24 * HOUR, redeemed: 0 },
    ]);
    const s1 = await (await asOwner(`/stores/${S1}/stats?${twoDays}`)).json<StoreReport>();
    expect(s1.figures).toEqual({ claimed: 40, redeemed: 6, redemptionRate: 0.15 });
    expect(s1.livestreams.map((l) => l.livestreamId)).toEqual([LIVE_A]);
  });

  it("gives null, never NaN, for a rate with nothing claimed, and zeros for an empty window", async () => {
    const empty = await (await asOwner(`/stores/${S1}/stats?from=${MARCH_1 - 5 * HOUR}&to=${MARCH_1 - 2 * HOUR}`)).json<StoreReport>();
    expect(empty.figures).toEqual({ claimed: 0, redeemed: 0, redemptionRate: null });
    expect(empty.window.bucket).toBe("hour");
    expect(empty.series).toEqual([-5, -4, -3].map((h) => ({ at: MARCH_1 + h * HOUR, redeemed: 0 })));
  });

  it("refuses a bad window, an unknown store or livestream, and no credential", async () => {
    const backwards = await asOwner(`/store-coupons/stats?from=${MARCH_1}&to=${MARCH_1}`);
    expect(backwards.status).toBe(400);
    expect((await errorOf(backwards)).code).toBe("invalid_request");
    const tooLong = await asOwner(`/store-coupons/stats?from=${MARCH_1}&to=${MARCH_1 + 2_000 * HOUR}&bucket=hour`);
    expect(tooLong.status).toBe(400);
    expect((await errorOf(tooLong)).message).toContain("more than 1000 hours");
    const zone = await asOwner(`/store-coupons/stats?timeZone=Mars%2FOlympus`);
    expect(zone.status).toBe(400);
    expect((await asOwner(`/stores/no-such-${run}/stats`)).status).toBe(404);
    expect((await asOwner(`/livestreams/no-such-${run}/stats`)).status).toBe(404);
    expect((await call("/store-coupons/stats")).status).toBe(401);
  });
});
