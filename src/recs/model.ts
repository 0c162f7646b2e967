import { z } from "zod";
import { viewWindow } from "../profile/view-window.ts";
import { describeIssues, type Validated } from "../sales/sale-config.ts";

/**
 * The two-tower recommender's published artifact (issue 18, part D) and the pure code that
 * serves it: encode a shopper's features, run the shopper tower, rank every item by dot product.
 *
 * The item tower runs at training time only: the artifact carries its OUTPUT, one L2-normalised
 * embedding per item, as one base64 little-endian Float32 matrix (items × dims). The shopper
 * tower runs per request, so the artifact carries its input vocabularies and its dense layers.
 * A score is the dot product of the two unit vectors (a cosine), the same as in training.
 *
 * Everything here runs in a Worker as well as in Node: no Buffer, no bindings, no clock.
 */

/** A shopper's inputs to the shopper tower (built by the serving side, part E). */
export interface ShopperFeatures {
  /** Product views; only the 30-minute window at `now` counts (src/profile/view-window.ts). */
  views: { sku: string; category: string; at: number }[];
  /** The RFM segment (src/rfm/segment-names.ts), null when not scored. */
  segment: string | null;
  paidOrders: number;
  spentFen: number;
  /** Server time, epoch ms. */
  now: number;
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const base64 = z
  .string()
  .regex(BASE64, "must be base64")
  .refine((text) => text.length % 4 === 0, "must be base64 (length a multiple of 4)");
const count = z.number().int("must be a whole number").nonnegative("must not be negative");
const positive = z.number().int("must be a whole number").positive("must be at least 1");
const label = z.string().min(1, "must not be empty").max(64, "must be at most 64 characters");

export const ACTIVATIONS = ["relu", "linear"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** One dense layer: `out = activation(in · W + b)`, W row-major `inputs × outputs`. */
export const denseLayerSchema = z
  .object({
    inputs: positive,
    outputs: positive,
    /** base64 little-endian Float32, `inputs × outputs` values, row-major (row = one input). */
    weights: base64,
    /** base64 little-endian Float32, `outputs` values. */
    bias: base64,
    activation: z.enum(ACTIVATIONS),
  })
  .strict();
export type DenseLayer = z.output<typeof denseLayerSchema>;

/**
 * How `encodeShopper` lays out the tower's input vector, in this order:
 * - `skus` (one slot per entry of `items`, same order): share of the window's distinct views;
 * - `categories`: share of the window's views in each category (unknown categories dropped);
 * - `priceBands`: share of the window's known-SKU views in each price band;
 * - `segments` plus one slot for "none or unknown": one-hot;
 * - 4 numeric slots: log1p(paidOrders)/4, log1p(spentFen/100)/10, min(distinct views, 10)/10, 1 if the window is empty.
 */
export const shopperTowerSchema = z
  .object({
    categories: z.array(label).max(1000),
    priceBands: z.array(label).max(100),
    segments: z.array(label).max(100),
    layers: z.array(denseLayerSchema).min(1, "needs at least one layer").max(8),
  })
  .strict();
export type ShopperTower = z.output<typeof shopperTowerSchema>;

export const RANKERS = ["two_tower", "popularity", "random"] as const;

/** One row of the evaluation table (the README shows the same table). */
export const metricRowSchema = z
  .object({
    ranker: z.enum(RANKERS),
    recallAtK: z.number().min(0).max(1),
    ndcgAtK: z.number().min(0).max(1),
  })
  .strict();

export const metricsSchema = z
  .object({
    k: positive,
    /** What was evaluated: "generated" (planted tastes) or "events" (a time-based hold-out of real events). */
    source: z.enum(["generated", "events"]),
    /** Hold-out: events at or after `holdOutFrom` (epoch ms) were held out of training. */
    holdOutFrom: count,
    heldOutShoppers: count,
    rows: z.array(metricRowSchema).max(RANKERS.length),
    /** Out of the top 10 after three phone views in the window (null when the catalogue has no phones). */
    phonesInTop10AfterThreePhoneViews: z.number().int().min(0).max(10).nullable(),
  })
  .strict();
export type RecMetrics = z.output<typeof metricsSchema>;

export const trainingSchema = z
  .object({
    events: count,
    shoppers: count,
    epochs: positive,
    /** Freshness weight exp(−age/τ): τ in days. */
    tauDays: z.number().positive(),
    hardNegatives: count,
    finalLoss: z.number().nullable(),
    seconds: z.number().nonnegative(),
  })
  .strict();

export const itemSchema = z
  .object({
    sku: z.string().min(1).max(64),
    category: label,
    priceBand: label,
    tags: z.array(label).max(20),
  })
  .strict();
export type RecItem = z.output<typeof itemSchema>;

/** The artifact as JSON: what training writes, the admin API stores, and `decodeModel` reads. */
export const recModelArtifactSchema = z
  .object({
    /** Lowercase id, e.g. `20261127-1350-a1b2`; the KV key is `rec-model:<version>`. */
    version: z.string().regex(ID, "must be 1–64 of a-z 0-9 . _ - starting with a letter or digit"),
    /** Epoch ms. */
    trainedAt: count,
    dims: z.number().int().min(2).max(256),
    items: z.array(itemSchema).min(1, "needs at least one item").max(100_000),
    /** base64 little-endian Float32 `items × dims`, row-major, each row L2-normalised. */
    itemEmbeddings: base64,
    /** SKUs, most popular first: the fallback ranking. */
    popularity: z.array(z.string().min(1).max(64)).max(100_000),
    shopperTower: shopperTowerSchema,
    metrics: metricsSchema.nullable(),
    training: trainingSchema.nullable(),
  })
  .strict();
export type RecModelArtifact = z.output<typeof recModelArtifactSchema>;

/** A decoded model: the artifact plus its matrices as Float32Arrays and an index by SKU. */
export interface RecModel extends RecModelArtifact {
  embeddings: Float32Array;
  layers: { inputs: number; outputs: number; weights: Float32Array; bias: Float32Array; activation: Activation }[];
  skuIndex: Map<string, number>;
  categoryIndex: Map<string, number>;
  priceBandIndex: Map<string, number>;
  segmentIndex: Map<string, number>;
  /** Length of `encodeShopper`'s output. */
  inputSize: number;
}

/** The number of numeric slots at the end of the shopper input. */
export const NUMERIC_FEATURES = 4;

/** The length of the shopper tower's input for these vocabularies. */
export function shopperInputSize(items: number, tower: Pick<ShopperTower, "categories" | "priceBands" | "segments">): number {
  return items + tower.categories.length + tower.priceBands.length + tower.segments.length + 1 + NUMERIC_FEATURES;
}

// ---------------------------------------------------------------- base64 Float32 (little-endian)

/** Float32 values as base64 of their little-endian bytes. */
export function encodeFloat32(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  let out = "";
  // btoa takes a binary string; built in chunks so a 10,000-item matrix does not blow the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

/** The Float32 values of base64 little-endian bytes, or null when not base64 of whole floats. */
export function decodeFloat32(text: string): Float32Array | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  if (binary.length % 4 !== 0) return null;
  const values = new Float32Array(binary.length / 4);
  const view = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < values.length; i++) {
    for (let b = 0; b < 4; b++) view.setUint8(b, binary.charCodeAt(i * 4 + b));
    values[i] = view.getFloat32(0, true);
  }
  return values;
}

// ---------------------------------------------------------------- decoding

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

/**
 * Validates and decodes an artifact, listing EVERY problem (`path: message`): the schema, then
 * the cross-field checks (matrix sizes, layer chain, unique SKUs, popularity SKUs known).
 */
export function decodeModel(json: unknown): Validated<RecModel> {
  const parsed = recModelArtifactSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const artifact = parsed.data;
  const problems: string[] = [];

  const skuIndex = new Map<string, number>();
  artifact.items.forEach((item, i) => {
    if (skuIndex.has(item.sku)) problems.push(`items.${i}.sku: ${item.sku} appears more than once`);
    else skuIndex.set(item.sku, i);
  });
  const index = (list: string[], path: string) => {
    const map = new Map<string, number>();
    list.forEach((name, i) => {
      if (map.has(name)) problems.push(`${path}.${i}: ${name} appears more than once`);
      else map.set(name, i);
    });
    return map;
  };
  const categoryIndex = index(artifact.shopperTower.categories, "shopperTower.categories");
  const priceBandIndex = index(artifact.shopperTower.priceBands, "shopperTower.priceBands");
  const segmentIndex = index(artifact.shopperTower.segments, "shopperTower.segments");
  artifact.popularity.forEach((sku, i) => {
    if (!skuIndex.has(sku)) problems.push(`popularity.${i}: ${sku} is not one of the items`);
  });

  const embeddings = decodeFloat32(artifact.itemEmbeddings);
  const expected = artifact.items.length * artifact.dims;
  if (!embeddings) problems.push("itemEmbeddings: must be base64 of little-endian Float32 values");
  else if (embeddings.length !== expected)
    problems.push(`itemEmbeddings: must hold items × dims = ${expected} values, holds ${embeddings.length}`);
  else if (!allFinite(embeddings)) problems.push("itemEmbeddings: must hold only finite numbers");

  const inputSize = shopperInputSize(artifact.items.length, artifact.shopperTower);
  const layers: RecModel["layers"] = [];
  let width = inputSize;
  artifact.shopperTower.layers.forEach((layer, i) => {
    const path = `shopperTower.layers.${i}`;
    if (layer.inputs !== width)
      problems.push(
        `${path}.inputs: must be ${width} (the ${i === 0 ? "encoded shopper's length" : "previous layer's outputs"}), is ${layer.inputs}`,
      );
    width = layer.outputs;
    const weights = decodeFloat32(layer.weights);
    const bias = decodeFloat32(layer.bias);
    if (!weights || weights.length !== layer.inputs * layer.outputs)
      problems.push(`${path}.weights: must be base64 of inputs × outputs = ${layer.inputs * layer.outputs} Float32 values`);
    else if (!allFinite(weights)) problems.push(`${path}.weights: must hold only finite numbers`);
    if (!bias || bias.length !== layer.outputs) problems.push(`${path}.bias: must be base64 of outputs = ${layer.outputs} Float32 values`);
    else if (!allFinite(bias)) problems.push(`${path}.bias: must hold only finite numbers`);
    if (weights && bias) layers.push({ inputs: layer.inputs, outputs: layer.outputs, weights, bias, activation: layer.activation });
  });
  if (width !== artifact.dims) problems.push(`shopperTower.layers: the last layer must output dims = ${artifact.dims}, outputs ${width}`);

  if (problems.length > 0 || !embeddings) return { ok: false, problems };
  return {
    ok: true,
    value: { ...artifact, embeddings, layers, skuIndex, categoryIndex, priceBandIndex, segmentIndex, inputSize },
  };
}

// ---------------------------------------------------------------- the shopper tower

type Vocabularies = Pick<RecModel, "items" | "skuIndex" | "categoryIndex" | "priceBandIndex" | "segmentIndex" | "inputSize"> & {
  shopperTower: Pick<ShopperTower, "categories" | "priceBands" | "segments">;
};

/**
 * The shopper tower's input vector (layout: `shopperTowerSchema`). Only views in the 30-minute
 * window at `now` count, each SKU once at its latest view (the window's own rules); training
 * encodes its examples with this same function, so serving and training cannot drift apart.
 */
export function encodeShopper(features: ShopperFeatures, model: Vocabularies): Float32Array {
  const out = new Float32Array(model.inputSize);
  const items = model.items.length;
  const categories = model.shopperTower.categories.length;
  const bands = model.shopperTower.priceBands.length;
  const segments = model.shopperTower.segments.length;
  const window = viewWindow(features.views, features.now);
  const viewed = window.products;
  if (viewed.length > 0) {
    const share = 1 / viewed.length;
    let known = 0;
    for (const view of viewed) if (model.skuIndex.has(view.sku)) known++;
    for (const view of viewed) {
      const item = model.skuIndex.get(view.sku);
      if (item !== undefined) {
        out[item] = (out[item] ?? 0) + share;
        const band = model.priceBandIndex.get(model.items[item]!.priceBand);
        if (band !== undefined) out[items + categories + band] = (out[items + categories + band] ?? 0) + 1 / known;
      }
      const category = model.categoryIndex.get(view.category);
      if (category !== undefined) out[items + category] = (out[items + category] ?? 0) + share;
    }
  }
  const segment = features.segment === null ? undefined : model.segmentIndex.get(features.segment);
  out[items + categories + bands + (segment ?? segments)] = 1;
  const numeric = items + categories + bands + segments + 1;
  out[numeric] = Math.log1p(Math.max(0, features.paidOrders)) / 4;
  out[numeric + 1] = Math.log1p(Math.max(0, features.spentFen) / 100) / 10;
  out[numeric + 2] = Math.min(viewed.length, 10) / 10;
  out[numeric + 3] = viewed.length === 0 ? 1 : 0;
  return out;
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! * scale;
  }
  return vector;
}

/** One dense layer's forward pass; skips zero inputs (the SKU slots are mostly zero). */
export function denseForward(layer: RecModel["layers"][number], input: Float32Array): Float32Array {
  const out = Float32Array.from(layer.bias);
  const { outputs, weights } = layer;
  for (let i = 0; i < layer.inputs; i++) {
    const x = input[i]!;
    if (x === 0) continue;
    const row = i * outputs;
    for (let j = 0; j < outputs; j++) out[j] = out[j]! + x * weights[row + j]!;
  }
  if (layer.activation === "relu") for (let j = 0; j < outputs; j++) if (out[j]! < 0) out[j] = 0;
  return out;
}

/** The shopper's embedding: the tower's forward pass over `encodeShopper`'s vector, L2-normalised. */
export function shopperVector(model: RecModel, input: ShopperFeatures | Float32Array): Float32Array {
  let x = input instanceof Float32Array ? input : encodeShopper(input, model);
  for (const layer of model.layers) x = denseForward(layer, x);
  return l2Normalise(x);
}

// ---------------------------------------------------------------- ranking

export interface RankOptions {
  /** SKUs never returned (just bought, the page's own SKU). */
  exclude?: Iterable<string>;
  limit: number;
}

/**
 * The `limit` best items by dot product with `vector`, best first (ties: catalogue order). One
 * pass over the Float32 matrix keeping a small sorted top list: 10,000 items × 32 dims is
 * 320,000 multiply-adds, a few milliseconds.
 */
export function rankItems(
  model: Pick<RecModel, "items" | "embeddings" | "dims" | "skuIndex">,
  vector: Float32Array,
  options: RankOptions,
): { sku: string; score: number }[] {
  const limit = Math.max(0, Math.floor(options.limit));
  if (limit === 0) return [];
  const excluded = new Set<number>();
  for (const sku of options.exclude ?? []) {
    const i = model.skuIndex.get(sku);
    if (i !== undefined) excluded.add(i);
  }
  const { embeddings, dims } = model;
  const n = model.items.length;
  const topIndex: number[] = [];
  const topScore: number[] = [];
  for (let item = 0; item < n; item++) {
    if (excluded.has(item)) continue;
    const row = item * dims;
    let score = 0;
    for (let d = 0; d < dims; d++) score += embeddings[row + d]! * vector[d]!;
    if (topIndex.length === limit && score <= topScore[limit - 1]!) continue;
    // Insert into the sorted top list; when full, the last (worst) slot is overwritten.
    let at = topIndex.length === limit ? limit - 1 : topIndex.length;
    while (at > 0 && topScore[at - 1]! < score) {
      topScore[at] = topScore[at - 1]!;
      topIndex[at] = topIndex[at - 1]!;
      at--;
    }
    topScore[at] = score;
    topIndex[at] = item;
  }
  return topIndex.map((item, i) => ({ sku: model.items[item]!.sku, score: topScore[i]! }));
}

// ---------------------------------------------------------------- building an artifact

export interface ArtifactParts {
  version: string;
  trainedAt: number;
  items: RecItem[];
  /** items × dims, row-major; rows are L2-normalised here. */
  embeddings: ArrayLike<number>;
  dims: number;
  popularity: string[];
  tower: Pick<ShopperTower, "categories" | "priceBands" | "segments"> & {
    layers: { inputs: number; outputs: number; weights: ArrayLike<number>; bias: ArrayLike<number>; activation: Activation }[];
  };
  metrics?: RecMetrics | null;
  training?: RecModelArtifact["training"];
}

/** The JSON artifact from plain arrays (training writes it; tests and fixtures build small ones). */
export function buildArtifact(parts: ArtifactParts): RecModelArtifact {
  const embeddings = Float32Array.from(parts.embeddings);
  for (let row = 0; row * parts.dims < embeddings.length; row++) l2Normalise(embeddings.subarray(row * parts.dims, (row + 1) * parts.dims));
  return {
    version: parts.version,
    trainedAt: parts.trainedAt,
    dims: parts.dims,
    items: parts.items,
    itemEmbeddings: encodeFloat32(embeddings),
    popularity: parts.popularity,
    shopperTower: {
      categories: parts.tower.categories,
      priceBands: parts.tower.priceBands,
      segments: parts.tower.segments,
      layers: parts.tower.layers.map((layer) => ({
        inputs: layer.inputs,
        outputs: layer.outputs,
        weights: encodeFloat32(layer.weights),
        bias: encodeFloat32(layer.bias),
        activation: layer.activation,
      })),
    },
    metrics: parts.metrics ?? null,
    training: parts.training ?? null,
  };
}
