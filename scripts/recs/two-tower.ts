/**
 * Trains the two-tower recommender (issue 18, part D) with TensorFlow.js on its pure-JS CPU
 * backend (no native download; `@tensorflow/tfjs`, not tfjs-node), and returns the artifact
 * src/recs/model.ts describes.
 *
 * - Shopper tower: `encodeShopper`'s vector (the same function the Worker runs) → dense(hidden,
 *   relu) → dense(dims) → L2-normalised. Its weights are exported as the artifact's layers.
 * - Item tower: SKU, category, price band and tag embeddings → dense(hidden, relu) → dense(dims)
 *   → L2-normalised. It only runs here: the artifact carries its output for every item.
 * - Loss: a softmax over in-batch negatives (the other examples' positives, duplicates of the
 *   positive masked) plus `hardNegatives` sampled per example from the positive's category
 *   among items the shopper did not just view. The in-batch logits get the logQ correction
 *   (minus log of the item's share of positives, src/recs/ranking-math.ts); the hard negatives,
 *   drawn uniformly within a category rather than by popularity, are an extra term without it.
 *   Each example's loss is weighted by type × freshness exp(−age/τ).
 */
import * as tf from "@tensorflow/tfjs";
import { SEGMENTS } from "../../src/rfm/segment-names.ts";
import type { TrainingExample } from "../../src/recs/interactions.ts";
import { buildArtifact, encodeShopper, type RecItem, type RecModelArtifact, shopperInputSize } from "../../src/recs/model.ts";
import { samplingProbabilities, seededRandom } from "../../src/recs/ranking-math.ts";

export interface TrainOptions {
  items: RecItem[];
  examples: TrainingExample[];
  /** The artifact's popularity list, most popular first. */
  popularity: string[];
  version: string;
  trainedAt: number;
  seed?: number;
  dims?: number;
  hidden?: number;
  itemEmbedding?: number;
  epochs?: number;
  batchSize?: number;
  hardNegatives?: number;
  temperature?: number;
  learningRate?: number;
  tauDays?: number;
  /** Distinct shoppers in the training log (reported in the artifact). */
  shoppers?: number;
  onProgress?: (line: string) => void;
}

function glorot(random: () => number, inputs: number, outputs: number): Float32Array {
  const limit = Math.sqrt(6 / (inputs + outputs));
  return Float32Array.from({ length: inputs * outputs }, () => (random() * 2 - 1) * limit);
}

const unit = (x: tf.Tensor2D): tf.Tensor2D => x.div(x.square().sum(1, true).add(1e-12).sqrt());

/** Trains both towers and returns the artifact (without metrics: the caller evaluates). */
export async function trainTwoTower(options: TrainOptions): Promise<RecModelArtifact> {
  const started = Date.now();
  await tf.setBackend("cpu");
  tf.enableProdMode();
  const random = seededRandom(options.seed ?? 1);
  const dims = options.dims ?? 32;
  const hidden = options.hidden ?? 64;
  const emb = options.itemEmbedding ?? 16;
  const epochs = options.epochs ?? 3;
  const batchSize = options.batchSize ?? 256;
  const hardNegatives = Math.max(1, options.hardNegatives ?? 2);
  const temperature = options.temperature ?? 0.1;
  const { items } = options;
  const progress = options.onProgress ?? (() => {});

  // Vocabularies: what encodeShopper needs, built the way decodeModel builds them.
  const categories = [
    ...new Set([...items.map((item) => item.category), ...options.examples.flatMap((e) => e.features.views.map((v) => v.category))]),
  ].sort();
  const priceBands = [...new Set(items.map((item) => item.priceBand))].sort();
  const tags = [...new Set(items.flatMap((item) => item.tags))].sort();
  const segments = [...SEGMENTS];
  const indexOf = (list: readonly string[]) => new Map(list.map((name, i) => [name, i] as const));
  const skuIndex = indexOf(items.map((item) => item.sku));
  const categoryIndex = indexOf(categories);
  const tagIndex = indexOf(tags);
  const tower = { categories, priceBands, segments };
  const inputSize = shopperInputSize(items.length, tower);
  const vocabularies = {
    items,
    skuIndex,
    categoryIndex,
    priceBandIndex: indexOf(priceBands),
    segmentIndex: indexOf(segments),
    inputSize,
    shopperTower: tower,
  };

  const examples = options.examples.filter((e) => skuIndex.has(e.sku));
  const positives = Int32Array.from(examples, (e) => skuIndex.get(e.sku)!);
  const logQ = Float32Array.from(samplingProbabilities(positives, items.length), Math.log);
  const byCategory = new Map<number, number[]>();
  items.forEach((item, i) => {
    const c = categoryIndex.get(item.category)!;
    byCategory.set(c, [...(byCategory.get(c) ?? []), i]);
  });
  const oneHot = (index: (i: number) => number, width: number) => {
    const values = new Float32Array(items.length * width);
    for (let i = 0; i < items.length; i++) values[i * width + index(i)] = 1;
    return tf.tensor2d(values, [items.length, width]);
  };
  const itemCategory = oneHot((i) => categoryIndex.get(items[i]!.category)!, categories.length);
  const itemBand = oneHot((i) => vocabularies.priceBandIndex.get(items[i]!.priceBand)!, priceBands.length);
  const tagMatrix = new Float32Array(items.length * Math.max(1, tags.length));
  items.forEach((item, i) => {
    for (const tag of item.tags) tagMatrix[i * tags.length + tagIndex.get(tag)!] = 1 / item.tags.length;
  });
  const itemTags = tf.tensor2d(tagMatrix, [items.length, Math.max(1, tags.length)]);

  const variable = (values: Float32Array, shape: [number, number] | [number]) =>
    tf.variable(shape.length === 1 ? tf.tensor1d(values) : tf.tensor2d(values, shape));
  const w1 = variable(glorot(random, inputSize, hidden), [inputSize, hidden]);
  const b1 = variable(new Float32Array(hidden), [hidden]);
  const w2 = variable(glorot(random, hidden, dims), [hidden, dims]);
  const b2 = variable(new Float32Array(dims), [dims]);
  const skuEmb = variable(glorot(random, items.length, emb), [items.length, emb]);
  const catEmb = variable(glorot(random, categories.length, emb), [categories.length, emb]);
  const bandEmb = variable(glorot(random, priceBands.length, emb), [priceBands.length, emb]);
  const tagEmb = variable(glorot(random, Math.max(1, tags.length), emb), [Math.max(1, tags.length), emb]);
  const iw1 = variable(glorot(random, emb * 4, hidden), [emb * 4, hidden]);
  const ib1 = variable(new Float32Array(hidden), [hidden]);
  const iw2 = variable(glorot(random, hidden, dims), [hidden, dims]);
  const ib2 = variable(new Float32Array(dims), [dims]);

  const shopperTower = (x: tf.Tensor2D) => unit(tf.relu(x.matMul(w1).add(b1)).matMul(w2).add(b2) as tf.Tensor2D);
  // Every item's embedding at once, lookups as products with constant one-hot matrices: the CPU
  // backend's gradient of gather (UnsortedSegmentSum) is far slower than a small matMul.
  const itemTower = () => {
    const features = tf.concat([skuEmb, itemCategory.matMul(catEmb), itemBand.matMul(bandEmb), itemTags.matMul(tagEmb)], 1);
    return unit(tf.relu(features.matMul(iw1).add(ib1)).matMul(iw2).add(ib2) as tf.Tensor2D);
  };
  const optimizer = tf.train.adam(options.learningRate ?? 0.01);
  const order = examples.map((_, i) => i);
  let finalLoss: number | null = null;
  progress(
    `training on ${examples.length} examples, ${items.length} items, input ${inputSize} → ${hidden} → ${dims}, ${epochs} epochs of batches of ${batchSize}`,
  );
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    let batches = 0;
    for (let from = 0; from + 2 <= order.length; from += batchSize) {
      const batch = order.slice(from, from + batchSize);
      const b = batch.length;
      const x = new Float32Array(b * inputSize);
      const pos = new Int32Array(b);
      const hard = new Int32Array(b * hardNegatives);
      const weights = new Float32Array(b);
      batch.forEach((e, row) => {
        const example = examples[e]!;
        x.set(encodeShopper(example.features, vocabularies), row * inputSize);
        pos[row] = positives[e]!;
        weights[row] = example.weight;
        const viewed = new Set(example.features.views.map((v) => skuIndex.get(v.sku)));
        const pool = byCategory.get(categoryIndex.get(items[pos[row]!]!.category)!)!;
        for (let h = 0; h < hardNegatives; h++) {
          let candidate = pool[Math.floor(random() * pool.length)]!;
          for (let tries = 0; tries < 4 && (candidate === pos[row] || viewed.has(candidate)); tries++)
            candidate = Math.floor(random() * items.length);
          hard[row * hardNegatives + h] = candidate;
        }
      });
      // A column holding the row's own positive again (another example of the same item) is not a negative.
      const mask = new Float32Array(b * b);
      for (let r = 0; r < b; r++) for (let c = 0; c < b; c++) if (r !== c && pos[r] === pos[c]) mask[r * b + c] = -1e9;
      // Selections as one-hot rows (b × items) for the same reason as the item tower's lookups.
      const select = (ids: Int32Array) => {
        const values = new Float32Array(ids.length * items.length);
        ids.forEach((id, row) => {
          values[row * items.length + id] = 1;
        });
        return tf.tensor2d(values, [ids.length, items.length]);
      };
      const posRows = select(pos);
      const hardRows = select(hard);
      const posLogQ = tf.tensor1d(Float32Array.from(pos, (id) => logQ[id]!));
      const maskTensor = tf.tensor2d(mask, [b, b]);
      const weightTensor = tf.tensor1d(weights);
      const xTensor = tf.tensor2d(x, [b, inputSize]);
      const step = () =>
        optimizer.minimize(
          () =>
            tf.tidy(() => {
              const s = shopperTower(xTensor);
              const all = itemTower();
              const vPos = posRows.matMul(all);
              const vHard = hardRows.matMul(all).reshape([b, hardNegatives, dims]);
              const inBatch = s
                .matMul(vPos, false, true)
                .div(temperature)
                .sub(posLogQ.reshape([1, b]))
                .add(maskTensor);
              const hardLogits = s.reshape([b, 1, dims]).mul(vHard).sum(2).div(temperature);
              const logits = tf.concat([inBatch, hardLogits], 1);
              const positive = s.mul(vPos).sum(1).div(temperature).sub(posLogQ);
              const perExample = tf.logSumExp(logits, 1).sub(positive);
              return perExample.mul(weightTensor).sum().div(weightTensor.sum().add(1e-12)) as tf.Scalar;
            }),
          true,
        );
      const loss = step();
      for (const t of [posRows, hardRows, posLogQ, maskTensor, weightTensor, xTensor]) t.dispose();
      lossSum += (await loss!.data())[0]!;
      loss!.dispose();
      batches++;
    }
    finalLoss = batches > 0 ? lossSum / batches : null;
    progress(`epoch ${epoch}/${epochs}: loss ${finalLoss?.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  const finalItems = tf.tidy(() => itemTower());
  const embeddings = Float32Array.from(await finalItems.data());
  finalItems.dispose();
  const artifact = buildArtifact({
    version: options.version,
    trainedAt: options.trainedAt,
    items,
    embeddings,
    dims,
    popularity: options.popularity.filter((sku) => skuIndex.has(sku)),
    tower: {
      categories,
      priceBands,
      segments,
      layers: [
        { inputs: inputSize, outputs: hidden, weights: await w1.data(), bias: await b1.data(), activation: "relu" },
        { inputs: hidden, outputs: dims, weights: await w2.data(), bias: await b2.data(), activation: "linear" },
      ],
    },
    training: {
      events: examples.length,
      shoppers: options.shoppers ?? 0,
      epochs,
      tauDays: options.tauDays ?? 7,
      hardNegatives,
      finalLoss,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    },
  });
  for (const v of [w1, b1, w2, b2, skuEmb, catEmb, bandEmb, tagEmb, iw1, ib1, iw2, ib2, itemCategory, itemBand, itemTags]) v.dispose();
  optimizer.dispose();
  return artifact;
}
