import { similarity } from "ml-distance";
import { seededRandom } from "../teams/split.ts";
import { featureMatrix, type ShopperFacts } from "./features.ts";

/**
 * Lookalike audiences (issue 18), pure: from a pool of shoppers and the seeds among them, the
 * non-seed shoppers most like the seeds, as many as the percent of the pool asked for.
 *
 * Method: every shopper's standardised feature vector (./features.ts); a candidate's score is
 * the mean cosine similarity (ml-distance) to its K nearest seeds, a k-nearest-neighbour vote.
 * Unlike the similarity to the seeds' centroid, a seed set of two kinds of shopper (phone
 * buyers of beauty and desktop buyers of tools) yields lookalikes of both, not of a shopper
 * between them who is like neither.
 */

/** Fewest seeds an audience is built from: fewer describe too little (issue 18; ad platforms ask for 100). */
export const MIN_SEEDS = 100;
/** Sizes in tenths of a percent of the pool: 10–100 is 1.0–10.0 %, in steps of 0.1 % (as ad platforms size them). */
export const MIN_PERCENT_TENTHS = 10;
export const MAX_PERCENT_TENTHS = 100;
/** Seeds each candidate is compared with: its nearest K. */
export const NEAREST_SEEDS = 10;

/** Shoppers in an audience of `percentTenths` of a pool of `poolSize` (seeds included in the pool, never in the audience). */
export function audienceSize(poolSize: number, percentTenths: number, seeds: number): number {
  return Math.max(0, Math.min(poolSize - seeds, Math.round((poolSize * percentTenths) / 1000)));
}

/** A percent such as 1, 2.5 or 10 in tenths (10, 25, 100); null when it is not a multiple of 0.1 within 1–10. */
export function percentInTenths(percent: number): number | null {
  const tenths = Math.round(percent * 10);
  if (!Number.isFinite(percent) || Math.abs(tenths - percent * 10) > 1e-9) return null;
  return tenths >= MIN_PERCENT_TENTHS && tenths <= MAX_PERCENT_TENTHS ? tenths : null;
}

export interface LookalikeMember {
  shopperId: string;
  /** Mean cosine similarity to the nearest seeds, −1…1. */
  score: number;
}

export interface Lookalike {
  poolSize: number;
  /** Seeds found in the pool (a listed id the shop does not know is not one). */
  seeds: number;
  members: LookalikeMember[];
}

/** Cosine similarity, 0 where a vector is all zeros (an average shopper on every dimension). */
function cosine(a: number[], b: number[]): number {
  const value = similarity.cosine(a, b);
  return Number.isFinite(value) ? value : 0;
}

/** The mean of the `k` largest of `values` (all of them when fewer). */
export function meanOfLargest(values: readonly number[], k: number): number {
  const top = [...values].sort((a, b) => b - a).slice(0, Math.max(1, k));
  return top.length === 0 ? 0 : top.reduce((a, b) => a + b, 0) / top.length;
}

/**
 * The lookalike audience: the `audienceSize` non-seed shoppers with the highest scores, best
 * first (ties by shopper id, so a rebuild of the same data is the same list). `onProgress`
 * hears the fraction of candidates scored (0–1) every 500 candidates.
 */
export function buildLookalike(
  pool: readonly ShopperFacts[],
  seedIds: ReadonlySet<string>,
  percentTenths: number,
  options: { nearest?: number; onProgress?: (fraction: number) => void } = {},
): Lookalike {
  const { vectors } = featureMatrix(pool);
  const seedVectors: number[][] = [];
  const candidates: number[] = [];
  pool.forEach((s, i) => {
    if (seedIds.has(s.shopperId)) seedVectors.push(vectors[i] ?? []);
    else candidates.push(i);
  });
  const size = audienceSize(pool.length, percentTenths, seedVectors.length);
  if (seedVectors.length === 0 || size === 0) return { poolSize: pool.length, seeds: seedVectors.length, members: [] };
  const k = options.nearest ?? NEAREST_SEEDS;
  const scored: LookalikeMember[] = [];
  const similarities = new Array<number>(seedVectors.length);
  candidates.forEach((index, n) => {
    const vector = vectors[index] ?? [];
    for (let j = 0; j < seedVectors.length; j++) similarities[j] = cosine(vector, seedVectors[j] ?? []);
    scored.push({ shopperId: pool[index]?.shopperId ?? "", score: meanOfLargest(similarities, k) });
    if (options.onProgress && (n + 1) % 500 === 0) options.onProgress((n + 1) / candidates.length);
  });
  scored.sort((a, b) => b.score - a.score || (a.shopperId < b.shopperId ? -1 : a.shopperId > b.shopperId ? 1 : 0));
  options.onProgress?.(1);
  return { poolSize: pool.length, seeds: seedVectors.length, members: scored.slice(0, size) };
}

/** Seeds held out for the estimate: a fifth. */
export const HOLDOUT_SHARE = 0.2;

/**
 * The audience's quality estimate, since its true precision is unknowable in production (nobody
 * knows who "really" belongs): a fifth of the seeds is held out (a seeded shuffle, so the same
 * seeds give the same estimate), an audience of the same percent is built from the other
 * four-fifths, and the estimate is the share of the held-out seeds it contains. A random audience
 * would contain about `percent` of them (0.01 at 1 %); the planted population's 1 % scores
 * ./population.ts's figure in the README. Null with fewer than 5 seeds in the pool.
 */
export function holdoutRecall(pool: readonly ShopperFacts[], seedIds: ReadonlySet<string>, percentTenths: number): number | null {
  const seeds = pool.filter((s) => seedIds.has(s.shopperId)).map((s) => s.shopperId);
  if (seeds.length < 5) return null;
  const random = seededRandom(seeds.length);
  for (let i = seeds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [seeds[i], seeds[j]] = [seeds[j] as string, seeds[i] as string];
  }
  const held = new Set(seeds.slice(0, Math.max(1, Math.round(seeds.length * HOLDOUT_SHARE))));
  const kept = new Set(seeds.filter((s) => !held.has(s)));
  const audience = buildLookalike(pool, kept, percentTenths);
  return audience.members.filter((m) => held.has(m.shopperId)).length / held.size;
}
