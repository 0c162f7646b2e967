import { SEGMENTS } from "../rfm/segment-names.ts";
import type { RecItem } from "./model.ts";
import type { Interaction } from "./interactions.ts";
import { DAY_MS, seededRandom } from "./ranking-math.ts";

/**
 * A generated event log with planted tastes (issue 18, part D), for `npm run eval:recs`, the
 * integration test and `npm run train:recs -- --generated`. Every shopper has two hidden favourite
 * categories and a preferred price band; items have a category, a price band, a brand tag and a
 * global popularity with a Zipf skew (a few items are popular with everyone). A session mostly
 * stays in one category, usually a favourite; within it, a shopper picks items by popularity,
 * three times as likely in their band. The model has to find the taste from a few views; the
 * popularity baseline only has the skew.
 */
export const GENERATED_CATEGORIES = ["phones", "laptops", "audio", "cameras", "shoes", "bags", "beauty", "home", "toys", "sports"] as const;
export const PRICE_BANDS = ["budget", "mid", "premium"] as const;
const BAND_FEN = { budget: 5_900, mid: 39_900, premium: 299_900 };

export interface GeneratorOptions {
  seed: number;
  shoppers: number;
  itemsPerCategory: number;
  /** Days of history; the log starts at `start`. */
  days: number;
  start: number;
  /** Zipf exponent of item popularity. */
  skew?: number;
}

export interface GeneratedLog {
  items: RecItem[];
  log: Interaction[];
  /** Shopper id → RFM segment. */
  segments: Map<string, string>;
  /** The planted tastes, for checking. */
  tastes: Map<string, { favourites: string[]; band: string }>;
}

export function generateLog(options: GeneratorOptions): GeneratedLog {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const skew = options.skew ?? 0.9;

  const items: RecItem[] = [];
  for (const category of GENERATED_CATEGORIES)
    for (let n = 0; n < options.itemsPerCategory; n++)
      items.push({
        sku: `${category}-${String(n).padStart(3, "0")}`,
        category,
        priceBand: pick(PRICE_BANDS),
        tags: [`brand-${category}-${n % 5}`],
      });
  // Popularity: within each category a random order of its items with Zipf weights down it, so
  // every category has its bestsellers and a few items are far more popular than the rest.
  const popularity = new Float64Array(items.length);
  for (let c = 0; c < GENERATED_CATEGORIES.length; c++) {
    const order = Array.from({ length: options.itemsPerCategory }, (_, n) => c * options.itemsPerCategory + n);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    order.forEach((item, rank) => {
      popularity[item] = 1 / (rank + 1) ** skew;
    });
  }
  const byCategory = new Map<string, number[]>();
  items.forEach((item, i) => {
    byCategory.set(item.category, [...(byCategory.get(item.category) ?? []), i]);
  });
  const weighted = (candidates: number[], band: string): number => {
    let total = 0;
    for (const i of candidates) total += popularity[i]! * (items[i]!.priceBand === band ? 3 : 1);
    let r = random() * total;
    for (const i of candidates) {
      r -= popularity[i]! * (items[i]!.priceBand === band ? 3 : 1);
      if (r <= 0) return i;
    }
    return candidates[candidates.length - 1]!;
  };

  const log: Interaction[] = [];
  const segments = new Map<string, string>();
  const tastes = new Map<string, { favourites: string[]; band: string }>();
  const all = items.map((_, i) => i);
  for (let s = 0; s < options.shoppers; s++) {
    const shopperId = `gen-shopper-${options.seed}-${s}`;
    const first = pick(GENERATED_CATEGORIES);
    let second = pick(GENERATED_CATEGORIES);
    while (second === first) second = pick(GENERATED_CATEGORIES);
    const band = pick(PRICE_BANDS);
    tastes.set(shopperId, { favourites: [first, second], band });
    segments.set(shopperId, band === "premium" ? pick(SEGMENTS.slice(0, 3)) : pick(SEGMENTS));
    const sessions = 2 + Math.floor(random() * 6);
    for (let k = 0; k < sessions; k++) {
      let at = options.start + Math.floor(random() * (options.days * DAY_MS - 2 * 60 * 60 * 1000));
      const category = random() < 0.85 ? (random() < 0.6 ? first : second) : pick(GENERATED_CATEGORIES);
      const views = 3 + Math.floor(random() * 6);
      const viewed: number[] = [];
      for (let v = 0; v < views; v++) {
        const item = weighted(random() < 0.85 ? byCategory.get(category)! : all, band);
        viewed.push(item);
        log.push({ shopperId, type: "product_view", sku: items[item]!.sku, category: items[item]!.category, at });
        at += 30_000 + Math.floor(random() * 180_000);
        if (items[item]!.category === category && random() < 0.25) {
          log.push({ shopperId, type: "add_to_cart", sku: items[item]!.sku, category: items[item]!.category, at });
          at += 20_000;
          if (random() < 0.4) {
            const unit = BAND_FEN[items[item]!.priceBand as keyof typeof BAND_FEN];
            log.push({ shopperId, type: "order_paid", sku: items[item]!.sku, category: items[item]!.category, at, amount: unit });
            at += 20_000;
          }
        }
      }
    }
  }
  log.sort((a, b) => a.at - b.at || (a.shopperId < b.shopperId ? -1 : 1));
  return { items, log, segments, tastes };
}
