import { GrowthBookClient, type Experiment, type StickyAssignmentsDocument } from "@growthbook/growthbook";
import type { DeviceClass } from "../events/event.ts";
import type { ExperimentConfig, ShopperKind, TargetLocale } from "./experiment-config.ts";

/**
 * Which variant a shopper gets (issue 13), decided by GrowthBook's SDK (`@growthbook/growthbook`,
 * MIT) so assignments match a known, documented implementation: hash version 2
 * (`fnv1a32(fnv1a32(seed + id) + "") % 10000 / 10000`), bucket ranges from the weights,
 * targeting as GrowthBook conditions, and GrowthBook's sticky bucketing.
 *
 * Bucket ranges alone are not sticky: moving a weight moves the range boundaries, and every
 * shopper whose hash lies between the old and the new boundary would change variant. So the
 * first assignment of each shopper is kept (src/experiments/sticky-store.ts) and handed back
 * in as a GrowthBook sticky-bucket document: GrowthBook then answers the kept variant, skipping
 * targeting and the hash, exactly as its own sticky bucketing does.
 */

/** What a shopper is judged by: the hash id, and the attributes targeting reads. */
export interface ShopperFacts {
  id: string;
  device: DeviceClass;
  locale: TargetLocale;
  /** new: has never paid for an order; returning: has. null when it could not be told (then a rule on it does not match). */
  kind: ShopperKind | null;
}

/** The shopper's kept assignments: GrowthBook's sticky keys (`<experiment>__<bucket version>`) to variant keys. */
export type StickyAssignments = Record<string, string>;

export interface Enrolment {
  experiment: string;
  variant: string;
  /** The shopper's hash in [0, 1): where they fall among the bucket ranges. */
  bucket: number;
  /** True when the variant came from a kept assignment, false when the hash chose it now (a first assignment, to keep). */
  sticky: boolean;
}

/** GrowthBook's sticky key of an experiment: bucket version 0, as we never reshuffle on purpose. */
export const stickyKey = (experiment: string) => `${experiment}__0`;

/** The attribute GrowthBook hashes and keeps sticky buckets by. */
const HASH_ATTRIBUTE = "id";

/** One client for every shopper: it holds no features and fetches nothing (no client key). */
const growthbook = new GrowthBookClient();

/**
 * The shopper's variant of a running experiment, or null when they are not enrolled: not
 * targeted (and not kept from before), or on a variant weighted 0. `kept` holds the
 * shopper's kept assignments; a kept one wins over everything, weights and targeting
 * included, so changing either mid-test moves nobody already assigned.
 */
export function assign(experiment: ExperimentConfig, shopper: ShopperFacts, kept: StickyAssignments): Enrolment | null {
  if (experiment.status !== "running") return null;
  const doc: StickyAssignmentsDocument = { attributeName: HASH_ATTRIBUTE, attributeValue: shopper.id, assignments: kept };
  const result = growthbook.runInlineExperiment(growthbookExperiment(experiment), {
    attributes: { [HASH_ATTRIBUTE]: shopper.id, device: shopper.device, locale: shopper.locale, kind: shopper.kind },
    stickyBucketAssignmentDocs: { [`${HASH_ATTRIBUTE}||${shopper.id}`]: doc },
    // GrowthBook hands over the document to keep; the caller keeps first assignments itself (sticky-store.ts).
    saveStickyBucketAssignmentDoc: async () => undefined,
  });
  if (!result.inExperiment || result.bucket === undefined) return null;
  return { experiment: experiment.key, variant: result.key, bucket: result.bucket, sticky: Boolean(result.stickyBucketUsed) };
}

/**
 * The experiment as GrowthBook runs it: variations named by their keys (`meta`, what sticky
 * documents store), weights normalised to sum to 1 (GrowthBook falls back to equal weights
 * otherwise), full coverage, hash v2 seeded by the experiment's seed, and the targeting
 * lists as one condition on the shopper's attributes (an empty list is no rule).
 */
export function growthbookExperiment(experiment: ExperimentConfig): Experiment<string> {
  const total = experiment.variants.reduce((sum, v) => sum + v.weight, 0);
  const { shoppers, devices, locales } = experiment.targeting;
  const condition = {
    ...(shoppers.length ? { kind: { $in: shoppers } } : {}),
    ...(devices.length ? { device: { $in: devices } } : {}),
    ...(locales.length ? { locale: { $in: locales } } : {}),
  };
  return {
    key: experiment.key,
    seed: experiment.seed,
    hashVersion: 2,
    hashAttribute: HASH_ATTRIBUTE,
    // At least two: the configuration's schema says so.
    variations: experiment.variants.map((v) => v.key) as [string, string, ...string[]],
    meta: experiment.variants.map((v) => ({ key: v.key, name: v.name })),
    weights: experiment.variants.map((v) => v.weight / total),
    coverage: 1,
    ...(Object.keys(condition).length ? { condition } : {}),
  };
}

/** Whether deciding this experiment for a shopper without a kept assignment needs to know if they are new. */
export function needsShopperKind(experiment: ExperimentConfig, kept: StickyAssignments): boolean {
  return experiment.targeting.shoppers.length > 0 && kept[stickyKey(experiment.key)] === undefined;
}
