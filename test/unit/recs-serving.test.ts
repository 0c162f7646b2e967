import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeModel, type RecModel } from "../../src/recs/model.ts";
import { ctrByArm, nearestViewed, REC_LIMIT, type RecommendInput, recommend } from "../../src/recs/serving.ts";
import { fixtureModel } from "../support/rec-model-fixture.ts";

const MINUTE = 60_000;
const NOW = 1_764_000_000_000;

const ITEMS = [
  ...["p1", "p2", "p3", "p4", "p5", "p6"].map((sku) => ({ sku, category: "phones" })),
  ...["s1", "s2", "s3", "s4"].map((sku) => ({ sku, category: "shoes" })),
  ...["b1", "b2", "b3", "b4"].map((sku) => ({ sku, category: "bags" })),
];
/** Popularity the fixture publishes: bags first, so the model's picks are told from popularity's. */
const POPULARITY = ["b1", "b2", "b3", "b4", "s1", "s2", "s3", "s4", "p1", "p2", "p3", "p4", "p5", "p6"];

function model(): RecModel {
  const decoded = decodeModel(fixtureModel(ITEMS, { popularity: POPULARITY }));
  if (!decoded.ok) throw new Error(decoded.problems.join("; "));
  return decoded.value;
}

const onSaleOf = (skus: readonly string[]) =>
  new Map(skus.map((sku) => [sku, { title: `Title ${sku}`, category: ITEMS.find((i) => i.sku === sku)?.category ?? "other" }]));
const ALL_ON_SALE = onSaleOf(ITEMS.map((item) => item.sku));

function input(overrides: Partial<RecommendInput> = {}): RecommendInput {
  return {
    arm: "two_tower",
    model: model(),
    features: { views: [], segment: null, paidOrders: 0, spentFen: 0, now: NOW },
    onSale: ALL_ON_SALE,
    exclude: new Set(),
    shopPopularity: [],
    ...overrides,
  };
}

const phoneViews = [
  { sku: "p1", category: "phones", at: NOW - 9 * MINUTE },
  { sku: "p2", category: "phones", at: NOW - 5 * MINUTE },
  { sku: "p3", category: "phones", at: NOW - 1 * MINUTE },
];

describe("recommend (src/recs/serving.ts)", () => {
  it("after three phone views, ranks phones first by the model, each with the viewed phone nearest to it", () => {
    const out = recommend(input({ features: { views: phoneViews, segment: null, paidOrders: 0, spentFen: 0, now: NOW } }));
    expect(out.source).toBe("model");
    expect(out.items).toHaveLength(REC_LIMIT);
    const top6 = out.items.slice(0, 6);
    expect(top6.every((item) => item.category === "phones")).toBe(true);
    for (const item of top6) {
      expect(item.score).not.toBeNull();
      expect(item.reason).toMatchObject({ kind: "viewed" });
      expect(["p1", "p2", "p3"]).toContain((item.reason as { sku: string }).sku);
    }
    // A viewed phone's nearest viewed item is itself.
    const p2 = out.items.find((item) => item.sku === "p2")!;
    expect(p2.reason).toEqual({ kind: "viewed", sku: "p2", title: "Title p2" });
    // Scores are best first.
    const scores = out.items.filter((i) => i.score !== null).map((i) => i.score!);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("gives a new shopper (an empty window) popularity, in the model's order, reason popular now", () => {
    const out = recommend(input());
    expect(out.source).toBe("popularity");
    expect(out.items.map((item) => item.sku)).toEqual(POPULARITY.slice(0, REC_LIMIT));
    expect(out.items.every((item) => item.reason.kind === "popular" && item.score === null)).toBe(true);
  });

  it("ranks by popularity on the popularity arm, whatever was viewed", () => {
    const out = recommend(
      input({ arm: "popularity", features: { views: phoneViews, segment: null, paidOrders: 0, spentFen: 0, now: NOW } }),
    );
    expect(out.source).toBe("popularity");
    expect(out.items[0]!.sku).toBe("b1");
  });

  it("without a model (missing or corrupt) falls back to the shop's popularity, then everything on sale", () => {
    const out = recommend(
      input({
        model: null,
        shopPopularity: ["s3", "p4"],
        features: { views: phoneViews, segment: null, paidOrders: 0, spentFen: 0, now: NOW },
      }),
    );
    expect(out.source).toBe("popularity");
    expect(out.items.slice(0, 2).map((item) => item.sku)).toEqual(["s3", "p4"]);
    expect(out.items).toHaveLength(REC_LIMIT);
  });

  it("shows only SKUs on sale and never the page's own SKU or what was bought", () => {
    const onSale = onSaleOf(["p1", "p4", "p5", "b2", "s1", "x9"]);
    const out = recommend(
      input({ onSale, exclude: new Set(["p5"]), features: { views: phoneViews, segment: null, paidOrders: 1, spentFen: 100, now: NOW } }),
    );
    const shown = out.items.map((item) => item.sku);
    expect(shown.slice(0, 2)).toEqual(["p1", "p4"]);
    expect(new Set(shown)).toEqual(new Set(["p1", "p4", "b2", "s1", "x9"]));
    // The model ranks what it knows; x9 (on sale, unknown to the model) is topped up from popularity.
    expect(
      out.items
        .filter((item) => item.reason.kind === "viewed")
        .map((item) => item.sku)
        .sort(),
    ).toEqual(["b2", "p1", "p4", "s1"]);
    expect(out.items.at(-1)).toMatchObject({ sku: "x9", reason: { kind: "popular" }, score: null });
  });

  it("ignores views older than 30 minutes (popularity, as for a new shopper)", () => {
    const stale = phoneViews.map((view) => ({ ...view, at: NOW - 31 * MINUTE }));
    expect(recommend(input({ features: { views: stale, segment: null, paidOrders: 0, spentFen: 0, now: NOW } })).source).toBe("popularity");
  });

  it("property: at most 10, no repeats, only on sale, nothing excluded, and as many as there are to show", () => {
    const skus = ITEMS.map((item) => item.sku).concat(["x1", "x2"]);
    fc.assert(
      fc.property(
        fc.subarray(skus),
        fc.subarray(skus),
        fc.subarray(ITEMS.map((item) => item.sku)),
        fc.constantFrom("popularity" as const, "two_tower" as const),
        fc.boolean(),
        (onSaleSkus, excluded, viewed, arm, withModel) => {
          const onSale = onSaleOf(onSaleSkus);
          const exclude = new Set(excluded);
          const views = viewed.map((sku, i) => ({ sku, category: ITEMS.find((item) => item.sku === sku)!.category, at: NOW - i * MINUTE }));
          const out = recommend(
            input({
              arm,
              model: withModel ? model() : null,
              onSale,
              exclude,
              features: { views, segment: "champions", paidOrders: 2, spentFen: 9900, now: NOW },
            }),
          );
          const shown = out.items.map((item) => item.sku);
          expect(new Set(shown).size).toBe(shown.length);
          expect(shown.every((sku) => onSale.has(sku) && !exclude.has(sku))).toBe(true);
          expect(shown.length).toBe(Math.min(REC_LIMIT, onSaleSkus.filter((sku) => !exclude.has(sku)).length));
          if (out.source === "model") expect(arm).toBe("two_tower");
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("nearestViewed", () => {
  it("names the viewed item whose embedding is nearest: a shoe's reason is the shoe viewed, not the phone", () => {
    const m = model();
    expect(nearestViewed(m, "s2", ["p1", "s4", "b1"])).toBe("s4");
    expect(nearestViewed(m, "p6", ["b3", "p2"])).toBe("p2");
  });
});

describe("ctrByArm", () => {
  it("is clicks over impressions per arm, null where nothing was shown, both arms always listed", () => {
    expect(ctrByArm([{ arm: "two_tower", impressions: 200, clicks: 30 }])).toEqual([
      { arm: "popularity", impressions: 0, clicks: 0, ctr: null },
      { arm: "two_tower", impressions: 200, clicks: 30, ctr: 0.15 },
    ]);
  });
});
