import { describe, expect, it } from "vitest";
import {
  buildArtifact,
  decodeFloat32,
  decodeModel,
  encodeFloat32,
  encodeShopper,
  type RecModel,
  rankItems,
  shopperInputSize,
  shopperVector,
} from "../../src/recs/model.ts";

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

const items = [
  { sku: "phone-a", category: "phones", priceBand: "low", tags: [] },
  { sku: "phone-b", category: "phones", priceBand: "high", tags: ["5g"] },
  { sku: "shoe-c", category: "shoes", priceBand: "high", tags: [] },
];
const tower = { categories: ["phones", "shoes"], priceBands: ["low", "high"], segments: ["champions"] };
// 3 SKU slots, 2 categories, 2 bands, 1 segment + "none", 4 numeric slots.
const INPUTS = 13;

/** A linear tower that passes the two category shares straight through: phones → x, shoes → y. */
function tinyArtifact() {
  const weights = new Array<number>(INPUTS * 2).fill(0);
  weights[3 * 2 + 0] = 1; // the "phones" share → output 0
  weights[4 * 2 + 1] = 1; // the "shoes" share → output 1
  return buildArtifact({
    version: "test-1",
    trainedAt: NOW,
    dims: 2,
    items,
    embeddings: [1, 0, 0.6, 0.8, 0, 1],
    popularity: ["shoe-c", "phone-a", "phone-b"],
    tower: { ...tower, layers: [{ inputs: INPUTS, outputs: 2, weights, bias: [0, 0], activation: "linear" }] },
  });
}

function tinyModel(): RecModel {
  const decoded = decodeModel(tinyArtifact());
  if (!decoded.ok) throw new Error(decoded.problems.join("; "));
  return decoded.value;
}

describe("the recommender artifact (src/recs/model.ts)", () => {
  it("round-trips Float32 values through base64 little-endian bytes", () => {
    const values = [0, 1, -2.5, 0.1, 3.4028234663852886e38];
    expect(encodeFloat32([1])).toBe("AACAPw=="); // 1.0f = 00 00 80 3f
    expect(Array.from(decodeFloat32(encodeFloat32(values))!)).toEqual(Array.from(Float32Array.from(values)));
    expect(decodeFloat32("AACA")).toBeNull(); // 3 bytes: not a whole float
  });

  it("lays out the shopper input as SKUs, categories, price bands, segment one-hot, numeric slots", () => {
    expect(shopperInputSize(3, tower)).toBe(INPUTS);
    const model = tinyModel();
    const input = encodeShopper(
      {
        views: [
          { sku: "phone-a", category: "phones", at: NOW - 1 * MIN },
          { sku: "shoe-c", category: "shoes", at: NOW - 2 * MIN },
          { sku: "phone-x", category: "phones", at: NOW - 3 * MIN }, // not in the catalogue: counts for its category
          { sku: "phone-b", category: "phones", at: NOW - 40 * MIN }, // outside the 30-minute window
        ],
        segment: "champions",
        paidOrders: 3,
        spentFen: 9_900,
        now: NOW,
      },
      model,
    );
    const expected = [
      1 / 3,
      0,
      1 / 3, // SKUs: 3 distinct views in the window, phone-a and shoe-c known
      2 / 3,
      1 / 3, // categories: 2 of 3 views phones, 1 shoes
      1 / 2,
      1 / 2, // price bands over the 2 known SKUs: phone-a low, shoe-c high
      1,
      0, // segment champions; the "none" slot off
      Math.log(4) / 4,
      Math.log(100) / 10,
      0.3,
      0, // log1p(3)/4, log1p(99)/10, 3 of 10 views, window not empty
    ];
    expect(Array.from(input)).toHaveLength(INPUTS);
    for (const [i, value] of Array.from(input).entries()) expect(value).toBeCloseTo(expected[i]!, 6);
  });

  it("puts a shopper with no segment and an empty window in the none slot and the empty flag", () => {
    const input = encodeShopper({ views: [], segment: "unknown-segment", paidOrders: 0, spentFen: 0, now: NOW }, tinyModel());
    expect(Array.from(input)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it("runs the tower and L2-normalises: one phone view points at (1, 0); phones rank first", () => {
    const model = tinyModel();
    const vector = shopperVector(model, {
      views: [{ sku: "phone-a", category: "phones", at: NOW - MIN }],
      segment: null,
      paidOrders: 0,
      spentFen: 0,
      now: NOW,
    });
    expect(Array.from(vector)).toEqual([1, 0]);
    expect(rankItems(model, vector, { limit: 2 })).toEqual([
      { sku: "phone-a", score: 1 },
      { sku: "phone-b", score: expect.closeTo(0.6, 6) },
    ]);
    expect(rankItems(model, vector, { limit: 10, exclude: ["phone-a"] }).map((r) => r.sku)).toEqual(["phone-b", "shoe-c"]);
  });

  it("ranks a mixed window by cosine: (1 phone, 1 shoe) → (0.7071, 0.7071) puts phone-b (0.6, 0.8) first", () => {
    const model = tinyModel();
    const vector = shopperVector(model, {
      views: [
        { sku: "phone-a", category: "phones", at: NOW - MIN },
        { sku: "shoe-c", category: "shoes", at: NOW - MIN },
      ],
      segment: null,
      paidOrders: 0,
      spentFen: 0,
      now: NOW,
    });
    const ranked = rankItems(model, vector, { limit: 3 });
    expect(ranked.map((r) => r.sku)).toEqual(["phone-b", "phone-a", "shoe-c"]);
    expect(ranked[0]!.score).toBeCloseTo(1.4 / Math.SQRT2, 6); // (0.6 + 0.8) / √2 = 0.98995
    expect(ranked[1]!.score).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("keeps ties in catalogue order and the top list exact over many items", () => {
    const n = 1_000;
    const many = Array.from({ length: n }, (_, i) => ({ sku: `sku-${i}`, category: "c", priceBand: "b", tags: [] }));
    const embeddings = many.flatMap((_, i) => [Math.cos(i), Math.sin(i)]);
    const decoded = decodeModel(
      buildArtifact({
        version: "many",
        trainedAt: NOW,
        dims: 2,
        items: many,
        embeddings,
        popularity: [],
        tower: {
          categories: [],
          priceBands: [],
          segments: [],
          layers: [{ inputs: n + 5, outputs: 2, weights: new Array((n + 5) * 2).fill(0), bias: [1, 0], activation: "relu" }],
        },
      }),
    );
    if (!decoded.ok) throw new Error(decoded.problems.join("; "));
    const vector = Float32Array.from([0.6, 0.8]);
    const brute = many
      .map((item, i) => ({ sku: item.sku, score: decoded.value.embeddings[i * 2]! * 0.6 + decoded.value.embeddings[i * 2 + 1]! * 0.8, i }))
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, 10)
      .map(({ sku }) => sku);
    expect(rankItems(decoded.value, vector, { limit: 10 }).map((r) => r.sku)).toEqual(brute);
  });

  it("refuses a corrupt artifact listing every problem", () => {
    const artifact = tinyArtifact();
    const broken = {
      ...artifact,
      itemEmbeddings: encodeFloat32([1, 0, 1]),
      popularity: ["shoe-c", "gone"],
      items: [...artifact.items, artifact.items[0]!],
      shopperTower: { ...artifact.shopperTower, layers: [{ ...artifact.shopperTower.layers[0]!, inputs: 12 }] },
    };
    const decoded = decodeModel(broken);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.problems).toEqual([
      "items.3.sku: phone-a appears more than once",
      "popularity.1: gone is not one of the items",
      "itemEmbeddings: must hold items × dims = 8 values, holds 3",
      "shopperTower.layers.0.inputs: must be 14 (the encoded shopper's length), is 12",
      "shopperTower.layers.0.weights: must be base64 of inputs × outputs = 24 Float32 values",
    ]);
    const schema = decodeModel({ ...artifact, dims: 1, version: "Bad Version" });
    expect(schema.ok).toBe(false);
    if (!schema.ok) expect(schema.problems).toHaveLength(2);
  });
});
