/**
 * The small formulas of the recommender's training and evaluation (issue 18, part D), pure and
 * tested with worked examples: the freshness weight, the logQ correction, recall@k and NDCG@k.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** τ of the freshness weight: an interaction a week old counts e⁻¹ ≈ 0.3679 of one happening now. */
export const FRESHNESS_TAU_DAYS = 7;

/**
 * A training example's weight by its age: exp(−age/τ). Newer behaviour says more about what
 * shoppers want now (flash sales turn over weekly); an age below zero (clock skew) counts as 0.
 */
export function freshnessWeight(ageMs: number, tauDays: number = FRESHNESS_TAU_DAYS): number {
  return Math.exp(-Math.max(0, ageMs) / (tauDays * DAY_MS));
}

/**
 * Each item's probability of appearing as an in-batch candidate: its share of the training
 * stream's positives (with one pseudo-count each, so no item has probability 0).
 */
export function samplingProbabilities(positives: ArrayLike<number>, items: number): Float64Array {
  const counts = new Float64Array(items).fill(1);
  for (let i = 0; i < positives.length; i++) counts[positives[i]!]! += 1;
  const total = positives.length + items;
  for (let i = 0; i < items; i++) counts[i] = counts[i]! / total;
  return counts;
}

/**
 * The logQ correction of an in-batch softmax (Yi et al., RecSys 2019): in-batch negatives are
 * drawn in proportion to popularity, so popular items would be pushed down too often; subtracting
 * log q from each logit makes the sampled softmax an unbiased estimate of the full one.
 */
export function logQCorrected(logit: number, probability: number): number {
  return logit - Math.log(probability);
}

/** The share of the relevant items found in the top k (0 when nothing is relevant). */
export function recallAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (const sku of ranked.slice(0, k)) if (relevant.has(sku)) hits++;
  return hits / relevant.size;
}

/**
 * Normalised discounted cumulative gain with binary relevance: Σ 1/log2(rank + 1) over the
 * hits in the top k, divided by the same sum for an ideal list (all relevant items first).
 */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  ranked.slice(0, k).forEach((sku, i) => {
    if (relevant.has(sku)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** A small seeded generator (mulberry32): the generated logs, batches and initial weights repeat exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
