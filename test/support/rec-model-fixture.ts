import { encodeFloat32, type RecModelArtifact, shopperInputSize } from "../../src/recs/model.ts";

/**
 * A hand-made recommender model for the serving tests (issue 18, part E), small enough to reason
 * about: each category is one axis of the embedding space, each item its category's axis with a
 * small tilt of its own (so items of a category are near each other and far from the rest), and
 * the shopper tower one linear layer that maps a viewed SKU to that SKU's embedding and a viewed
 * category to its axis. Three phone views therefore point the shopper at the phones.
 */
export interface FixtureItem {
  sku: string;
  category: string;
  priceBand?: string;
}

export function fixtureModel(
  items: readonly FixtureItem[],
  options: { version?: string; popularity?: string[]; trainedAt?: number } = {},
): RecModelArtifact {
  const categories = [...new Set(items.map((item) => item.category))];
  const dims = Math.max(2, categories.length + 1);
  const embeddings = new Float32Array(items.length * dims);
  items.forEach((item, i) => {
    const row = new Float32Array(dims);
    row[categories.indexOf(item.category)] = 1;
    // The tilt: a little of the last axis, different per item, so items are not all equal.
    row[dims - 1] = 0.05 * ((i % 7) + 1);
    const norm = Math.hypot(...row);
    for (let d = 0; d < dims; d++) embeddings[i * dims + d] = row[d]! / norm;
  });
  const priceBands = [...new Set(items.map((item) => item.priceBand ?? "mid"))];
  const tower = { categories, priceBands, segments: ["champions", "new"] };
  const inputs = shopperInputSize(items.length, tower);
  const weights = new Float32Array(inputs * dims);
  items.forEach((_, i) => {
    for (let d = 0; d < dims; d++) weights[i * dims + d] = embeddings[i * dims + d]!;
  });
  categories.forEach((_, c) => {
    weights[(items.length + c) * dims + c] = 0.5;
  });
  return {
    version: options.version ?? `fixture-${crypto.randomUUID().slice(0, 8)}`,
    trainedAt: options.trainedAt ?? Date.now(),
    dims,
    items: items.map((item) => ({ sku: item.sku, category: item.category, priceBand: item.priceBand ?? "mid", tags: [] })),
    itemEmbeddings: encodeFloat32(embeddings),
    popularity: options.popularity ?? items.map((item) => item.sku),
    shopperTower: {
      ...tower,
      layers: [
        { inputs, outputs: dims, weights: encodeFloat32(weights), bias: encodeFloat32(new Float32Array(dims)), activation: "linear" },
      ],
    },
    metrics: {
      k: 10,
      source: "generated",
      holdOutFrom: 0,
      heldOutShoppers: 100,
      rows: [
        { ranker: "two_tower", recallAtK: 0.42, ndcgAtK: 0.31 },
        { ranker: "popularity", recallAtK: 0.18, ndcgAtK: 0.12 },
      ],
      phonesInTop10AfterThreePhoneViews: 7,
    },
    training: null,
  };
}
