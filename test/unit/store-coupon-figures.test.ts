import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zoneOffset } from "../../src/calendar.ts";
import { bucketStart, bucketStarts, fillSeries, MAX_BUCKETS, nextBucket } from "../../src/store-coupons/buckets.ts";
import { figures, livestreamFigures, percent, redemptionRate, storeFigures, totalFigures } from "../../src/store-coupons/figures.ts";

const HOUR = 3_600_000;
/** 2026-03-01 00:00 in Shanghai is 2026-02-28 16:00 UTC. */
const SHANGHAI_MARCH_1 = Date.UTC(2026, 1, 28, 16);

describe("store-coupon figures (src/store-coupons/figures.ts, issue 15)", () => {
  it("rates redemptions: 40 claimed, 9 redeemed is 22.5 %; nothing claimed is null, never NaN", () => {
    expect(redemptionRate(40, 9)).toBe(0.225);
    expect(percent(redemptionRate(40, 9))).toBe("22.5 %");
    expect(redemptionRate(0, 0)).toBeNull();
    expect(redemptionRate(0, 3)).toBeNull();
    expect(percent(null)).toBe("–");
    expect(figures(3, 1)).toEqual({ claimed: 3, redeemed: 1, redemptionRate: 1 / 3 });
    expect(percent(1 / 3)).toBe("33.3 %");
  });

  it("is a finite number in [0, 1] whenever something was claimed and no more was redeemed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.nat(), (claimed, extra) => {
        const redeemed = extra % (claimed + 1);
        const rate = redemptionRate(claimed, redeemed);
        expect(rate).not.toBeNull();
        expect(Number.isFinite(rate)).toBe(true);
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("counts per livestream and per store; a store's claimed are the claims of the livestreams that list it", () => {
    // live-a lists stores sh-01 and sh-02, live-b lists sh-02; live-gone's configuration was deleted.
    const claims = [
      { livestreamId: "live-a", claimed: 40 },
      { livestreamId: "live-b", claimed: 10 },
      { livestreamId: "live-gone", claimed: 5 },
    ];
    const redemptions = [
      { livestreamId: "live-a", storeId: "sh-01", redeemed: 6 },
      { livestreamId: "live-a", storeId: "sh-02", redeemed: 3 },
      { livestreamId: "live-b", storeId: "sh-02", redeemed: 5 },
      { livestreamId: null, storeId: "sh-03", redeemed: 1 },
    ];
    const storesOf = (id: string) => ({ "live-a": ["sh-01", "sh-02"], "live-b": ["sh-02"] })[id] ?? [];
    expect(livestreamFigures(claims, redemptions)).toEqual([
      { livestreamId: "live-a", claimed: 40, redeemed: 9, redemptionRate: 0.225 },
      { livestreamId: "live-b", claimed: 10, redeemed: 5, redemptionRate: 0.5 },
      { livestreamId: "live-gone", claimed: 5, redeemed: 0, redemptionRate: 0 },
    ]);
    expect(storeFigures(claims, redemptions, storesOf, ["sh-09"])).toEqual([
      { storeId: "sh-02", claimed: 50, redeemed: 8, redemptionRate: 0.16 },
      { storeId: "sh-01", claimed: 40, redeemed: 6, redemptionRate: 0.15 },
      { storeId: "sh-03", claimed: 0, redeemed: 1, redemptionRate: null },
      { storeId: "sh-09", claimed: 0, redeemed: 0, redemptionRate: null },
    ]);
    expect(totalFigures(claims, redemptions)).toEqual({ claimed: 55, redeemed: 15, redemptionRate: 15 / 55 });
    expect(totalFigures([], [])).toEqual({ claimed: 0, redeemed: 0, redemptionRate: null });
  });

  it("counts a livestream listed twice in one store's list once", () => {
    const rows = storeFigures([{ livestreamId: "live-a", claimed: 4 }], [], () => ["sh-01", "sh-01"]);
    expect(rows).toEqual([{ storeId: "sh-01", claimed: 4, redeemed: 0, redemptionRate: 0 }]);
  });
});

describe("store-coupon time buckets (src/store-coupons/buckets.ts)", () => {
  it("cuts days at Shanghai's midnight: 15:59 UTC is still the 1st there, 16:00 UTC the 2nd", () => {
    expect(zoneOffset(SHANGHAI_MARCH_1, "Asia/Shanghai")).toBe(8 * HOUR);
    expect(bucketStart(SHANGHAI_MARCH_1 + 24 * HOUR - 60_000, "day")).toBe(SHANGHAI_MARCH_1);
    expect(bucketStart(SHANGHAI_MARCH_1 + 24 * HOUR, "day")).toBe(SHANGHAI_MARCH_1 + 24 * HOUR);
    expect(bucketStart(SHANGHAI_MARCH_1 + 90 * 60_000, "hour")).toBe(SHANGHAI_MARCH_1 + HOUR);
    // UTC's days start 8 hours later.
    expect(bucketStart(SHANGHAI_MARCH_1, "day", "UTC")).toBe(Date.UTC(2026, 1, 28));
  });

  it("cuts hours at the zone's own hours, half-hour zones too (Kolkata is UTC+5:30)", () => {
    expect(bucketStart(Date.UTC(2026, 2, 1, 10, 10), "hour", "Asia/Kolkata")).toBe(Date.UTC(2026, 2, 1, 9, 30));
  });

  it("keeps days whole where clocks change: New York's 8 March 2026 has 23 hours", () => {
    const march8 = bucketStart(Date.UTC(2026, 2, 8, 12), "day", "America/New_York");
    expect(march8).toBe(Date.UTC(2026, 2, 8, 5));
    expect(nextBucket(march8, "day", "America/New_York") - march8).toBe(23 * HOUR);
  });

  it("fills every bucket of the window, empty ones with 0 (a worked day: 3 redemptions at 10:xx, 2 at 14:xx)", () => {
    const from = SHANGHAI_MARCH_1 + 9 * HOUR; // 09:00 Shanghai
    const to = SHANGHAI_MARCH_1 + 15 * HOUR; // 15:00
    const series = fillSeries(
      [
        { at: SHANGHAI_MARCH_1 + 10 * HOUR, redeemed: 3 },
        { at: SHANGHAI_MARCH_1 + 14 * HOUR, redeemed: 2 },
        { at: SHANGHAI_MARCH_1 + 20 * HOUR, redeemed: 7 }, // after the window: dropped
      ],
      from,
      to,
      "hour",
    );
    expect(series.map((p) => p.redeemed)).toEqual([0, 3, 0, 0, 0, 2]);
    expect(series.map((p) => (p.at - SHANGHAI_MARCH_1) / HOUR)).toEqual([9, 10, 11, 12, 13, 14]);
  });

  it("starts at the bucket the window's start falls in, and loses no count: the series sums to what was counted in it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 * 24 }),
        fc.integer({ min: 1, max: 20 * 24 }),
        fc.constantFrom("hour" as const, "day" as const),
        fc.constantFrom("Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata"),
        fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 30 }),
        (startHours, spanHours, bucket, zone, offsets) => {
          const from = SHANGHAI_MARCH_1 + startHours * HOUR + 17 * 60_000;
          const to = from + spanHours * HOUR;
          const counts = offsets.map((o) => ({ at: bucketStart(from + ((o * 997 * 60_000) % (to - from)), bucket, zone), redeemed: 1 }));
          const series = fillSeries(counts, from, to, bucket, zone);
          expect(series[0]!.at).toBe(bucketStart(from, bucket, zone));
          expect(series.at(-1)!.at).toBeLessThan(to);
          expect(series.reduce((n, p) => n + p.redeemed, 0)).toBe(counts.length);
          for (let i = 1; i < series.length; i += 1) expect(series[i]!.at).toBeGreaterThan(series[i - 1]!.at);
        },
      ),
    );
  });

  it("stops counting past the longest series allowed", () => {
    expect(bucketStarts(0, 10_000 * HOUR, "hour").length).toBe(MAX_BUCKETS + 1);
  });
});
