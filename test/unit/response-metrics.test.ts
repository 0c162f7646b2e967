import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_BUSINESS_HOURS } from "../../src/advisers/business-hours.ts";
import { boardPercentiles, nearestRank } from "../../src/advisers/percentiles.ts";
import { BUCKETS, bucketOf, type ConversationTimes, responseFigures } from "../../src/advisers/response-metrics.ts";

/** A Shanghai wall-clock time in November 2026 as epoch ms (UTC+8). */
const shanghai = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour - 8, minute);

describe("percentiles by nearest rank (src/advisers/percentiles.ts)", () => {
  it("takes the value at rank ⌈p × n / 100⌉: of 1..10, p50 = 5, p90 = 9, p95 = 10; of one value, that value; of none, null", () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(boardPercentiles(ten)).toEqual({ p50: 5, p90: 9, p95: 10 });
    expect(boardPercentiles([42])).toEqual({ p50: 42, p90: 42, p95: 42 });
    expect(boardPercentiles([])).toEqual({ p50: null, p90: null, p95: null });
    // Unsorted input is sorted first; 20 values: p95 is rank 19.
    expect(boardPercentiles([...Array.from({ length: 20 }, (_, i) => 20 - i)]).p95).toBe(19);
    expect(() => nearestRank([1], 0)).toThrow(RangeError);
  });

  const values = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 200 });
  const p = fc.integer({ min: 1, max: 100 });

  it("is one of the values; at least p % are at or below it and fewer than p % below it", () => {
    fc.assert(
      fc.property(values, p, (xs, pct) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const v = nearestRank(sorted, pct) as number;
        expect(xs).toContain(v);
        expect(xs.filter((x) => x <= v).length * 100).toBeGreaterThanOrEqual(pct * xs.length);
        expect(xs.filter((x) => x < v).length * 100).toBeLessThan(pct * xs.length);
      }),
    );
  });

  it("never falls as p rises, and p50 ≤ p90 ≤ p95", () => {
    fc.assert(
      fc.property(values, p, p, (xs, a, b) => {
        const sorted = [...xs].sort((x, y) => x - y);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(nearestRank(sorted, lo) as number).toBeLessThanOrEqual(nearestRank(sorted, hi) as number);
        const { p50, p90, p95 } = boardPercentiles(xs);
        expect(p50 as number).toBeLessThanOrEqual(p90 as number);
        expect(p90 as number).toBeLessThanOrEqual(p95 as number);
      }),
    );
  });
});

describe("Chatwoot's buckets of business time", () => {
  it("puts each bound in the bucket it opens: 59:59 → 0–1 h, 1 h → 1–4 h, 24 h → 24 h+", () => {
    expect(bucketOf(0)).toBe("0-1h");
    expect(bucketOf(3_599)).toBe("0-1h");
    expect(bucketOf(3_600)).toBe("1-4h");
    expect(bucketOf(4 * 3_600)).toBe("4-8h");
    expect(bucketOf(8 * 3_600 - 1)).toBe("4-8h");
    expect(bucketOf(8 * 3_600)).toBe("8-24h");
    expect(bucketOf(24 * 3_600)).toBe("24h+");
  });

  it("is monotone: a longer wait never lands in an earlier bucket", () => {
    fc.assert(
      fc.property(fc.nat(400_000), fc.nat(400_000), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(BUCKETS.indexOf(bucketOf(lo))).toBeLessThanOrEqual(BUCKETS.indexOf(bucketOf(hi)));
      }),
    );
  });
});

/** A conversation of the test's own. */
function conversation(over: Partial<ConversationTimes> & Pick<ConversationTimes, "id" | "adviserId">): ConversationTimes {
  return {
    shopperId: `shp_${over.id}`,
    status: "open",
    openedAt: over.firstMessageAt ?? shanghai(26, 10),
    firstMessageAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    ...over,
  };
}

describe("the board's figures (src/advisers/response-metrics.ts)", () => {
  const settings = {
    businessHours: DEFAULT_BUSINESS_HOURS,
    firstResponseSlaMinutes: 30,
    from: shanghai(26, 0),
    to: shanghai(28, 0),
    now: shanghai(27, 12),
  };

  const rows: ConversationTimes[] = [
    // The example: 17:50 → 09:10, 20 business minutes; resolved 10:10 (80 business minutes).
    conversation({
      id: "a1",
      adviserId: "adv_a",
      status: "resolved",
      firstMessageAt: shanghai(26, 17, 50),
      firstResponseAt: shanghai(27, 9, 10),
      resolvedAt: shanghai(27, 10, 10),
    }),
    // 10:00 → 11:00: 60 business minutes, past the 30-minute SLA.
    conversation({ id: "a2", adviserId: "adv_a", firstMessageAt: shanghai(26, 10), firstResponseAt: shanghai(26, 11) }),
    // Still waiting since 11:00 today: 60 minutes by noon, breached, listed.
    conversation({ id: "b1", adviserId: "adv_b", firstMessageAt: shanghai(27, 11) }),
    // Waiting since 11:50: 10 minutes, listed, not breached.
    conversation({ id: "b2", adviserId: "adv_b", firstMessageAt: shanghai(27, 11, 50) }),
    // Before the window: not in the cohort, but still waiting (since the 25th, 17:00: 1 h + 9 h + 3 h).
    conversation({ id: "old", adviserId: "adv_b", firstMessageAt: shanghai(25, 17) }),
    // Opened by the adviser, no shopper message: in the cohort, no response measured.
    conversation({ id: "c1", adviserId: "adv_c", openedAt: shanghai(26, 12) }),
  ];

  it("measures first responses and resolutions in business time, per adviser and overall, and counts breaches", () => {
    const figures = responseFigures(rows, settings);
    expect(figures.overall).toMatchObject({ conversations: 5, open: 4, resolved: 1, waiting: 2, slaBreaches: 2 });
    expect(figures.overall.slaBreachRate).toBe(2 / 4);
    expect(figures.overall.firstResponse).toMatchObject({ count: 2, p50: 20 * 60, p90: 60 * 60, p95: 60 * 60, mean: 40 * 60 });
    expect(figures.overall.firstResponse.buckets).toEqual({ "0-1h": 1, "1-4h": 1, "4-8h": 0, "8-24h": 0, "24h+": 0 });
    expect(figures.overall.resolution).toMatchObject({ count: 1, p50: 80 * 60 });
    expect(figures.advisers.map((a) => [a.adviserId, a.conversations, a.slaBreaches, a.firstResponse.p50])).toEqual([
      ["adv_a", 2, 1, 20 * 60],
      ["adv_b", 2, 1, null],
      ["adv_c", 1, 0, null],
    ]);
  });

  it("lists every open conversation waiting for a first reply, longest first, the ones past the SLA marked", () => {
    const { waiting } = responseFigures(rows, settings);
    expect(waiting.map((w) => [w.conversationId, w.waitedSeconds / 60, w.breached])).toEqual([
      ["old", 13 * 60, true],
      ["b1", 60, true],
      ["b2", 10, false],
    ]);
  });

  it("adds up: the advisers' conversations and breaches are the overall ones, bucket counts are the measured", () => {
    const row = fc
      .record({
        adviser: fc.constantFrom("adv_x", "adv_y", "adv_z"),
        start: fc.integer({ min: shanghai(20, 0), max: shanghai(30, 0) }),
        wrote: fc.boolean(),
        reply: fc.option(fc.integer({ min: 0, max: 5 * 86_400_000 })),
        resolve: fc.option(fc.integer({ min: 0, max: 10 * 86_400_000 })),
      })
      .map(({ adviser, start, wrote, reply, resolve }) =>
        conversation({
          id: `r${start}`,
          adviserId: adviser,
          openedAt: start,
          firstMessageAt: wrote ? start : null,
          firstResponseAt: wrote && reply !== null ? start + reply : null,
          status: resolve === null ? "open" : "resolved",
          resolvedAt: resolve === null ? null : start + resolve,
        }),
      );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.integer({ min: 1, max: 600 }), (list, sla) => {
        const f = responseFigures(list, {
          ...settings,
          firstResponseSlaMinutes: sla,
          from: shanghai(22, 0),
          to: shanghai(29, 0),
          now: shanghai(30, 0),
        });
        const sum = (pick: (a: (typeof f.advisers)[number]) => number) => f.advisers.reduce((s, a) => s + pick(a), 0);
        expect(sum((a) => a.conversations)).toBe(f.overall.conversations);
        expect(sum((a) => a.slaBreaches)).toBe(f.overall.slaBreaches);
        expect(sum((a) => a.firstResponse.count)).toBe(f.overall.firstResponse.count);
        expect(Object.values(f.overall.firstResponse.buckets).reduce((s, n) => s + n, 0)).toBe(f.overall.firstResponse.count);
        expect(f.overall.slaBreaches).toBeLessThanOrEqual(f.overall.conversations);
      }),
      { numRuns: 100 },
    );
  });
});
