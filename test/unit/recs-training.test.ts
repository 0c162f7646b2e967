import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateLog } from "../../src/recs/generated-log.ts";
import { catalogueFromLog, evaluationCases, type Interaction, popularityRanking, trainingExamples } from "../../src/recs/interactions.ts";
import { DAY_MS, freshnessWeight, logQCorrected, ndcgAtK, recallAtK, samplingProbabilities } from "../../src/recs/ranking-math.ts";

const T0 = Date.UTC(2026, 10, 1, 10, 0, 0);
const MIN = 60_000;

describe("the freshness weight exp(−age/τ), τ = 7 days", () => {
  it("is 1 now, 0.3679 at 7 days, 0.1353 at 14 days; a future time counts as now", () => {
    expect(freshnessWeight(0)).toBe(1);
    expect(freshnessWeight(7 * DAY_MS)).toBeCloseTo(0.3679, 4);
    expect(freshnessWeight(14 * DAY_MS)).toBeCloseTo(0.1353, 4);
    expect(freshnessWeight(-DAY_MS)).toBe(1);
    expect(freshnessWeight(DAY_MS, 1)).toBeCloseTo(Math.exp(-1), 10);
  });
});

describe("the logQ correction", () => {
  it("takes each item's share of the positives, one pseudo-count each: [0, 0, 1] over 3 items → 3/6, 2/6, 1/6", () => {
    expect(Array.from(samplingProbabilities([0, 0, 1], 3))).toEqual([3 / 6, 2 / 6, 1 / 6]);
  });

  it("subtracts log q: a logit of 2 for an item drawn with q = 0.25 becomes 2 + ln 4 = 3.3863; a rare item gains more", () => {
    expect(logQCorrected(2, 0.25)).toBeCloseTo(3.386294, 6);
    expect(logQCorrected(2, 0.5)).toBeCloseTo(2.693147, 6);
    expect(logQCorrected(2, 0.01)).toBeCloseTo(6.60517, 6);
  });
});

describe("recall@k and NDCG@k", () => {
  it("ranked a, b, c, d against {b, d, x} at k = 3: recall 1/3; NDCG (1/log2 3) / (1 + 1/log2 3 + 1/2) = 0.2961", () => {
    const relevant = new Set(["b", "d", "x"]);
    expect(recallAtK(["a", "b", "c", "d"], relevant, 3)).toBeCloseTo(1 / 3, 10);
    expect(ndcgAtK(["a", "b", "c", "d"], relevant, 3)).toBeCloseTo(0.63093 / 2.13093, 4);
    expect(ndcgAtK(["a", "b", "c", "d"], relevant, 3)).toBeCloseTo(0.2961, 4);
  });

  it("is 1 for a perfect list, 1/log2 3 = 0.6309 for the one relevant item second, 0 for nothing relevant", () => {
    expect(ndcgAtK(["a", "b"], new Set(["a", "b"]), 2)).toBe(1);
    expect(recallAtK(["a", "b"], new Set(["a", "b"]), 2)).toBe(1);
    expect(ndcgAtK(["x", "a"], new Set(["a"]), 2)).toBeCloseTo(0.6309, 4);
    expect(recallAtK(["x"], new Set(), 10)).toBe(0);
    expect(ndcgAtK(["x"], new Set(), 10)).toBe(0);
  });

  it("stays within [0, 1] and NDCG never exceeds 1 with recall 0 exactly when NDCG is 0 (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(..."abcdefghij"), { maxLength: 10 }),
        fc.uniqueArray(fc.constantFrom(..."abcdefghijkl"), { maxLength: 12 }),
        fc.integer({ min: 1, max: 10 }),
        (ranked, relevantList, k) => {
          const relevant = new Set(relevantList);
          const recall = recallAtK(ranked, relevant, k);
          const ndcg = ndcgAtK(ranked, relevant, k);
          expect(recall).toBeGreaterThanOrEqual(0);
          expect(recall).toBeLessThanOrEqual(1);
          expect(ndcg).toBeGreaterThanOrEqual(0);
          expect(ndcg).toBeLessThanOrEqual(1 + 1e-12);
          expect(recall === 0).toBe(ndcg === 0);
        },
      ),
    );
  });
});

const event = (type: Interaction["type"], sku: string, at: number, amount?: number): Interaction => ({
  shopperId: "s1",
  type,
  sku,
  category: sku.startsWith("phone") ? "phones" : "shoes",
  at,
  ...(amount === undefined ? {} : { amount }),
});

describe("training examples and the time-based hold-out (src/recs/interactions.ts)", () => {
  it("makes each interaction a positive for the shopper just before it, the item left out of its own window, weighted by type × freshness", () => {
    const log = [
      event("product_view", "phone-a", T0),
      event("product_view", "phone-b", T0 + MIN),
      event("add_to_cart", "phone-b", T0 + 2 * MIN),
      event("order_paid", "phone-b", T0 + 3 * MIN, 9_900),
      event("product_view", "shoe-c", T0 + 4 * MIN),
      event("product_view", "shoe-d", T0 + 8 * DAY_MS),
    ];
    const until = T0 + 7 * DAY_MS;
    const examples = trainingExamples(log, until, new Map([["s1", "champions"]]));
    expect(examples.map((e) => e.sku)).toEqual(["phone-a", "phone-b", "phone-b", "phone-b", "shoe-c"]); // shoe-d is after `until`
    expect(examples[0]!.features.views).toEqual([]);
    expect(examples[0]!.weight).toBeCloseTo(0.3679, 4); // a view 7 days before the end
    expect(examples[2]!.features.views.map((v) => v.sku)).toEqual(["phone-a"]); // phone-b's own view left out
    expect(examples[2]!.weight).toBeCloseTo(2 * Math.exp(-(7 * DAY_MS - 2 * MIN) / (7 * DAY_MS)), 10);
    expect(examples[3]!.weight).toBeCloseTo(4 * Math.exp(-(7 * DAY_MS - 3 * MIN) / (7 * DAY_MS)), 10);
    expect(examples[4]!.features).toMatchObject({ segment: "champions", paidOrders: 1, spentFen: 9_900, now: T0 + 4 * MIN });
    expect(examples[4]!.features.views.map((v) => v.sku)).toEqual(["phone-a", "phone-b"]);
  });

  it("evaluates a held-out session at its third distinct view against what followed", () => {
    const from = T0 + DAY_MS;
    const log = [
      event("product_view", "phone-z", T0), // before the hold-out
      event("product_view", "phone-a", from + MIN),
      event("product_view", "phone-a", from + 2 * MIN),
      event("product_view", "phone-b", from + 3 * MIN),
      event("product_view", "phone-c", from + 4 * MIN),
      event("product_view", "phone-d", from + 5 * MIN),
      event("add_to_cart", "phone-b", from + 6 * MIN),
      event("add_to_cart", "phone-e", from + 7 * MIN),
      event("product_view", "shoe-x", from + 2 * 60 * MIN), // a new session, too short to be a case
    ];
    const cases = evaluationCases(log, from);
    expect(cases).toHaveLength(1);
    expect(cases[0]!.viewed).toEqual(["phone-a", "phone-b", "phone-c"]);
    expect([...cases[0]!.relevant].sort()).toEqual(["phone-d", "phone-e"]);
    expect(cases[0]!.features.now).toBe(from + 4 * MIN);
    expect(popularityRanking(log, from)).toEqual(["phone-z"]);
  });

  it("ranks popularity by weighted interactions and reads price bands from paid unit prices", () => {
    const log = [
      event("product_view", "shoe-a", T0),
      event("product_view", "shoe-a", T0 + 1),
      event("add_to_cart", "phone-b", T0 + 2),
      event("order_paid", "phone-b", T0 + 3, 240_000),
    ];
    expect(popularityRanking(log, T0 + 10)).toEqual(["phone-b", "shoe-a"]); // 2 + 4 against 1 + 1
    const quantities = new Map([[log[3]!, 2]]);
    expect(catalogueFromLog(log, quantities)).toEqual([
      { sku: "phone-b", category: "phones", priceBand: "premium", tags: [] }, // ¥1,200 a unit
      { sku: "shoe-a", category: "shoes", priceBand: "unknown", tags: [] },
    ]);
  });

  it("generates the same log from the same seed, with planted tastes most sessions follow", () => {
    const options = { seed: 5, shoppers: 40, itemsPerCategory: 10, days: 14, start: T0 };
    const a = generateLog(options);
    expect(generateLog(options).log).toEqual(a.log);
    let inTaste = 0;
    const views = a.log.filter((e) => e.type === "product_view");
    for (const view of views) if (a.tastes.get(view.shopperId)!.favourites.includes(view.category)) inTaste++;
    expect(inTaste / views.length).toBeGreaterThan(0.6);
  });
});
