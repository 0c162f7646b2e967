import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { audienceSize, buildLookalike, holdoutRecall, meanOfLargest, percentInTenths } from "../../src/audiences/lookalike.ts";
import { featureMatrix, poolCategories, rawVector, type ShopperFacts, standardise } from "../../src/audiences/features.ts";
import { generatePopulation, precisionOf } from "../../src/audiences/population.ts";

/** Lookalike audiences (issue 18): the features, the sizing, the kNN vote and the planted population. */

function facts(shopperId: string, over: Partial<ShopperFacts> = {}): ShopperFacts {
  return {
    shopperId,
    views: {},
    purchases: {},
    orders: 0,
    spentFen: 0,
    recencyDays: null,
    devices: { phone: 0, tablet: 0, desktop: 0 },
    locales: { zh: 0, en: 0 },
    rfm: null,
    ...over,
  };
}

describe("the feature vector", () => {
  it("is the shares, logs, recency, mixes and scores of a worked example", () => {
    const s = facts("shp_a", {
      views: { baby: 3, toys: 1 },
      purchases: { baby: 2 },
      orders: 1,
      spentFen: 9_900,
      recencyDays: 90,
      devices: { phone: 3, tablet: 0, desktop: 1 },
      locales: { zh: 4, en: 0 },
      rfm: { r: 5, f: 1, m: 2 },
    });
    const v = rawVector(s, ["baby", "toys", "books"]);
    expect(v.slice(0, 3)).toEqual([0.75, 0.25, 0]);
    expect(v.slice(3, 6)).toEqual([1, 0, 0]);
    expect(v[6]).toBeCloseTo(Math.log(5), 12); // log1p(4 views)
    expect(v[7]).toBeCloseTo(Math.log(2), 12); // log1p(1 order)
    expect(v[8]).toBeCloseTo(Math.log(100), 12); // log1p(99 yuan)
    expect(v[9]).toBeCloseTo(Math.exp(-1), 12); // 90 days
    expect(v.slice(10)).toEqual([0.75, 0, 0.25, 1, 1, 0.2, 0.4]);
  });

  it("gives a shopper with nothing known zeros, never NaN", () => {
    expect(rawVector(facts("shp_none"), ["baby"]).every((x) => x === 0)).toBe(true);
  });

  it("ranks the pool's categories by views and buys, ties by name", () => {
    const pool = [facts("a", { views: { toys: 2, baby: 1 } }), facts("b", { purchases: { baby: 1, apps: 2 } })];
    expect(poolCategories(pool)).toEqual(["apps", "baby", "toys"]);
    expect(poolCategories(pool, 2)).toEqual(["apps", "baby"]);
  });

  it("standardises every dimension to mean 0 and sd 1, a constant one to 0", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constant(7)), { minLength: 2, maxLength: 30 }),
        (rows) => {
          const z = standardise(rows.map(([a, b]) => [a, b]));
          const mean = z.reduce((s, r) => s + (r[0] ?? 0), 0) / z.length;
          expect(Math.abs(mean)).toBeLessThan(1e-6);
          expect(z.every((r) => r[1] === 0)).toBe(true);
          const distinct = new Set(rows.map(([a]) => a)).size;
          if (distinct > 1 && Math.max(...rows.map(([a]) => a)) - Math.min(...rows.map(([a]) => a)) > 1e-6) {
            const variance = z.reduce((s, r) => s + (r[0] ?? 0) ** 2, 0) / z.length;
            expect(variance).toBeCloseTo(1, 5);
          }
        },
      ),
    );
  });
});

describe("sizing", () => {
  it("is a percent of the pool in tenths, rounded, never more than the non-seeds", () => {
    expect(audienceSize(10_000, 10, 200)).toBe(100);
    expect(audienceSize(10_000, 25, 200)).toBe(250);
    expect(audienceSize(1_234, 10, 100)).toBe(12);
    expect(audienceSize(150, 100, 140)).toBe(10);
  });

  it("takes 1–10 % in steps of 0.1 and refuses the rest", () => {
    expect([1, 2.5, 10, 0.1 * 33].map(percentInTenths)).toEqual([10, 25, 100, 33]);
    expect([0.9, 10.1, 1.25, Number.NaN, -1].map(percentInTenths)).toEqual([null, null, null, null, null]);
  });

  it("mean of the k largest: a worked example", () => {
    expect(meanOfLargest([0.1, 0.9, 0.5, 0.7], 2)).toBeCloseTo(0.8, 12);
    expect(meanOfLargest([0.3], 10)).toBe(0.3);
  });
});

describe("the kNN vote", () => {
  /** Two tastes: the seeds like baby on phones; half the others do too, half like tools on desktops. */
  function twoTastes(): ShopperFacts[] {
    const pool: ShopperFacts[] = [];
    for (let i = 0; i < 40; i++) {
      const baby = i % 2 === 0;
      pool.push(
        facts(`shp_${String(i).padStart(2, "0")}`, {
          views: baby ? { baby: 5 + (i % 3), toys: 1 } : { tools: 5 + (i % 3), books: 1 },
          devices: baby ? { phone: 6, tablet: 0, desktop: 0 } : { phone: 0, tablet: 0, desktop: 6 },
          locales: { zh: 6, en: 0 },
        }),
      );
    }
    return pool;
  }

  it("picks non-seed shoppers like the seeds, most alike first, and never a seed", () => {
    const pool = twoTastes();
    const seeds = new Set(pool.filter((_, i) => i % 2 === 0 && i < 20).map((s) => s.shopperId));
    const built = buildLookalike(pool, seeds, 100, { nearest: 3 });
    expect(built.seeds).toBe(10);
    expect(built.members).toHaveLength(4);
    for (const m of built.members) {
      expect(seeds.has(m.shopperId)).toBe(false);
      expect(Number(m.shopperId.slice(4)) % 2).toBe(0); // a baby-on-phone shopper
    }
    const scores = built.members.map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("reports progress up to 1 and is deterministic", () => {
    const pool = twoTastes();
    const seeds = new Set(["shp_00", "shp_02"]);
    const heard: number[] = [];
    const a = buildLookalike(pool, seeds, 50, { onProgress: (f) => heard.push(f) });
    expect(heard.at(-1)).toBe(1);
    expect(buildLookalike(pool, seeds, 50).members).toEqual(a.members);
  });

  it("never puts a seed in the audience, for any pool and seeds (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ baby: fc.nat(9), tools: fc.nat(9), phone: fc.nat(5), orders: fc.nat(4) }), { minLength: 3, maxLength: 40 }),
        fc.integer({ min: 10, max: 100 }),
        fc.nat(),
        (rows, tenths, pickSeed) => {
          const pool = rows.map((r, i) =>
            facts(`shp_${i}`, {
              views: { baby: r.baby, tools: r.tools },
              devices: { phone: r.phone, tablet: 0, desktop: 1 },
              orders: r.orders,
            }),
          );
          const seeds = new Set(pool.filter((_, i) => (i + pickSeed) % 3 === 0).map((s) => s.shopperId));
          const built = buildLookalike(pool, seeds, tenths);
          expect(built.members.length).toBe(seeds.size === 0 ? 0 : audienceSize(pool.length, tenths, seeds.size));
          expect(built.members.some((m) => seeds.has(m.shopperId))).toBe(false);
          expect(new Set(built.members.map((m) => m.shopperId)).size).toBe(built.members.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("the held-out estimate", () => {
  it("finds held-out planted seeds far above chance, the same each time, and is null with under 5 seeds", () => {
    const p = generatePopulation({ shoppers: 2_000, planted: 300, seeds: 100, seed: 11 });
    const recall = holdoutRecall(p.shoppers, p.seeds, 50);
    // Chance: a 5 % audience holds about 5 % of the held-out seeds.
    expect(recall).toBeGreaterThan(0.25);
    expect(recall).toBeLessThanOrEqual(1);
    expect(holdoutRecall(p.shoppers, p.seeds, 50)).toBe(recall);
    expect(holdoutRecall(p.shoppers, new Set([...p.seeds].slice(0, 4)), 50)).toBeNull();
  });
});

describe("the planted population", () => {
  it("has the issue's shape, the same for the same RNG seed", () => {
    const p = generatePopulation({ shoppers: 1_000, planted: 100, seeds: 20, seed: 7 });
    expect(p.shoppers).toHaveLength(1_000);
    expect(p.planted.size).toBe(100);
    expect(p.seeds.size).toBe(20);
    expect([...p.seeds].every((s) => p.planted.has(s))).toBe(true);
    expect(generatePopulation({ shoppers: 1_000, planted: 100, seeds: 20, seed: 7 }).shoppers).toEqual(p.shoppers);
    expect(featureMatrix(p.shoppers).vectors).toHaveLength(1_000);
  });

  it("precision is the share of an audience in the segment", () => {
    expect(precisionOf([{ shopperId: "a" }, { shopperId: "b" }, { shopperId: "c" }, { shopperId: "d" }], new Set(["a", "c", "x"]))).toBe(
      0.5,
    );
    expect(precisionOf([], new Set(["a"]))).toBe(0);
  });
});
