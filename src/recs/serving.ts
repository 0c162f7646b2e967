import { type RecModel, rankItems, type ShopperFeatures, shopperVector } from "./model.ts";

/**
 * What the storefront's "Recommended for you" shows (issue 18, part E), decided without I/O:
 * the request side (workers/storefront/api/recommendations.ts) reads the model, the shopper's
 * window and history and the sales on now, and hands them here.
 *
 * - Arm `two_tower` with a model and at least one view in the 30-minute window: the model's
 *   ranking (dot product of the shopper's vector with every item), each with the viewed item
 *   nearest to it as its reason ("because you viewed …");
 * - otherwise (arm `popularity`, no model, a new shopper whose window is empty): popularity,
 *   the model's list when there is one, else the shop's own counts, reason "popular now".
 *
 * Only SKUs on sale now are shown, never the page's own SKU or what the shopper has bought, and
 * the model's picks are topped up from popularity when too few of them are on sale.
 */

/** The arms of the `recommendations` surface (src/experiments/surfaces.ts), control first. */
export const REC_ARMS = ["popularity", "two_tower"] as const;
export type RecArm = (typeof REC_ARMS)[number];

/** At most this many recommendations a page. */
export const REC_LIMIT = 10;

export type RecReason = { kind: "viewed"; sku: string; title: string } | { kind: "popular" };

export interface Recommendation {
  sku: string;
  title: string;
  category: string;
  /** The dot product (cosine) with the shopper's vector; null for a popularity pick. */
  score: number | null;
  reason: RecReason;
}

export interface RecommendInput {
  arm: RecArm;
  /** The active model, decoded; null when there is none or it could not be read. */
  model: RecModel | null;
  features: ShopperFeatures;
  /** SKUs on sale now, with what a card shows. */
  onSale: ReadonlyMap<string, { title: string; category: string }>;
  /** Never shown: the page's own SKU, what the shopper bought. */
  exclude: ReadonlySet<string>;
  /** The shop's popularity, most popular first, for when the model has none to give. */
  shopPopularity: readonly string[];
  limit?: number;
}

export interface RecommendOutput {
  /** What ranked the list: the model, or popularity. */
  source: "model" | "popularity";
  items: Recommendation[];
}

/** The recommendations for one request. */
export function recommend(input: RecommendInput): RecommendOutput {
  const limit = Math.min(input.limit ?? REC_LIMIT, REC_LIMIT);
  const { model, onSale } = input;
  const shown = new Set<string>();
  const items: Recommendation[] = [];
  const add = (sku: string, score: number | null, reason: RecReason) => {
    const sale = onSale.get(sku);
    if (!sale || shown.has(sku) || input.exclude.has(sku) || items.length >= limit) return;
    shown.add(sku);
    items.push({ sku, title: sale.title, category: sale.category, score, reason });
  };

  const viewed = model ? viewedInModel(model, input.features) : [];
  const personal = input.arm === "two_tower" && model !== null && viewed.length > 0;
  if (personal) {
    const vector = shopperVector(model, input.features);
    const notOnSale = excludedForSale(model, onSale);
    const picks = rankItems(model, vector, { exclude: unionOf(notOnSale, input.exclude), limit });
    for (const { sku, score } of picks) {
      const nearest = nearestViewed(model, sku, viewed);
      add(sku, score, { kind: "viewed", sku: nearest, title: onSale.get(nearest)?.title ?? titleOfView(nearest) });
    }
  }
  for (const sku of popularityOrder(model, input.shopPopularity, onSale)) add(sku, null, { kind: "popular" });
  return { source: personal && items.some((item) => item.score !== null) ? "model" : "popularity", items };
}

/** The window's viewed SKUs the model knows, latest first (each once). */
function viewedInModel(model: RecModel, features: ShopperFeatures): string[] {
  const windowStart = features.now - 30 * 60 * 1000;
  const latest = new Map<string, number>();
  for (const view of features.views) {
    if (view.at <= windowStart || view.at > features.now || !model.skuIndex.has(view.sku)) continue;
    latest.set(view.sku, Math.max(latest.get(view.sku) ?? 0, view.at));
  }
  return [...latest].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([sku]) => sku);
}

/** The viewed SKU whose embedding is nearest (largest dot product) to `sku`'s; ties to the latest viewed. */
export function nearestViewed(model: Pick<RecModel, "embeddings" | "dims" | "skuIndex">, sku: string, viewed: readonly string[]): string {
  const { embeddings, dims } = model;
  const row = model.skuIndex.get(sku)! * dims;
  let best = viewed[0]!;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const candidate of viewed) {
    const other = model.skuIndex.get(candidate)! * dims;
    let score = 0;
    for (let d = 0; d < dims; d++) score += embeddings[row + d]! * embeddings[other + d]!;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** A SKU's words when its sale is over: the SKU itself (a reason must still name what was viewed). */
function titleOfView(sku: string): string {
  return sku;
}

/** The model's popularity, then the shop's, then every SKU on sale (so a page is never empty while something is on sale). */
function popularityOrder(model: RecModel | null, shop: readonly string[], onSale: ReadonlyMap<string, unknown>): string[] {
  return [...(model?.popularity ?? []), ...shop, ...onSale.keys()];
}

const notOnSaleCache = new WeakMap<RecModel, { key: string; skus: Set<string> }>();

/** The model's SKUs not on sale now (kept per model and set of sales: the same for every request between sale changes). */
function excludedForSale(model: RecModel, onSale: ReadonlyMap<string, unknown>): Set<string> {
  const key = [...onSale.keys()].sort().join(",");
  const cached = notOnSaleCache.get(model);
  if (cached?.key === key) return cached.skus;
  const skus = new Set(model.items.map((item) => item.sku).filter((sku) => !onSale.has(sku)));
  notOnSaleCache.set(model, { key, skus });
  return skus;
}

function unionOf(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  if (b.size === 0) return a as Set<string>;
  const union = new Set(a);
  for (const sku of b) union.add(sku);
  return union;
}

/** Clicks over impressions per arm, from event counts; null where nothing was shown. */
export function ctrByArm(
  counts: readonly { arm: string; impressions: number; clicks: number }[],
): { arm: RecArm; impressions: number; clicks: number; ctr: number | null }[] {
  return REC_ARMS.map((arm) => {
    const row = counts.find((c) => c.arm === arm);
    const impressions = row?.impressions ?? 0;
    const clicks = row?.clicks ?? 0;
    return { arm, impressions, clicks, ctr: impressions > 0 ? clicks / impressions : null };
  });
}

/** What `GET /admin/api/recommendations/ctr` answers (its zod schema in workers/storefront/admin/recommendations.ts is held to this), for the console. */
export interface RecCtrReport {
  since: number;
  arms: Array<{ arm: RecArm; impressions: number; clicks: number; ctr: number | null; low: number | null; high: number | null }>;
  sources: Array<{ source: string; impressions: number; clicks: number; ctr: number | null }>;
}

/** What `GET /api/recommendations` answers (its zod schema in workers/storefront/api/recommendations.ts is held to this), for the page's script. */
export interface RecommendationsAnswer {
  arm: RecArm;
  experiment: string | null;
  source: "model" | "popularity";
  modelVersion: string | null;
  items: Array<Recommendation & { url: string; image: string | null }>;
}
