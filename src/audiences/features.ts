/**
 * A shopper's behaviour and profile as the lookalike job reads it (issue 18), and the numeric
 * vector it is compared by. Pure: the job reads `ShopperFacts` from Postgres
 * (src/audiences/audience-store.ts), the evaluation generates them (scripts/audiences/population.ts);
 * both go through `featureMatrix`, so what is measured is what runs.
 */

/** What is known of one shopper, from events, paid orders, their RFM scores and their profile. */
export interface ShopperFacts {
  shopperId: string;
  /** Product views per category. */
  views: Record<string, number>;
  /** Units bought in paid orders per category (the SKU's category as its views name it). */
  purchases: Record<string, number>;
  /** Paid orders. */
  orders: number;
  /** Fen paid for them. */
  spentFen: number;
  /** Whole days since the last paid order; null: never paid. */
  recencyDays: number | null;
  /** Events by device class. */
  devices: { phone: number; tablet: number; desktop: number };
  /** Events in each locale. */
  locales: { zh: number; en: number };
  /** The RFM scores (1–5 each) of the last run; null when not scored. */
  rfm: { r: number; f: number; m: number } | null;
}

/** At most this many categories get their own dimensions (the most viewed across the pool). */
export const MAX_CATEGORIES = 40;

/** The dimensions' names, in order, for a pool's categories: what each number of a vector means. */
export function featureNames(categories: readonly string[]): string[] {
  return [
    ...categories.map((c) => `view_share:${c}`),
    ...categories.map((c) => `purchase_share:${c}`),
    "log_views",
    "log_orders",
    "log_spent_yuan",
    "recency",
    "phone_share",
    "tablet_share",
    "desktop_share",
    "zh_share",
    "rfm_r",
    "rfm_f",
    "rfm_m",
  ];
}

/** The categories a pool's vectors have dimensions for: the most viewed or bought, at most MAX_CATEGORIES, ties by name. */
export function poolCategories(pool: readonly ShopperFacts[], max = MAX_CATEGORIES): string[] {
  const totals = new Map<string, number>();
  for (const s of pool) {
    for (const [c, n] of Object.entries(s.views)) totals.set(c, (totals.get(c) ?? 0) + n);
    for (const [c, n] of Object.entries(s.purchases)) totals.set(c, (totals.get(c) ?? 0) + n);
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max)
    .map(([c]) => c);
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/**
 * One shopper's raw vector (before the pool's standardisation): the share of their views and of
 * their purchases in each category, activity and spend on a log scale, recency as
 * exp(−days / 90) (0 for never), the device and locale mix, and the RFM scores / 5 (0 unscored).
 */
export function rawVector(s: ShopperFacts, categories: readonly string[]): number[] {
  const viewTotal = Object.values(s.views).reduce((a, b) => a + b, 0);
  const boughtTotal = Object.values(s.purchases).reduce((a, b) => a + b, 0);
  const deviceTotal = s.devices.phone + s.devices.tablet + s.devices.desktop;
  const localeTotal = s.locales.zh + s.locales.en;
  return [
    ...categories.map((c) => share(s.views[c] ?? 0, viewTotal)),
    ...categories.map((c) => share(s.purchases[c] ?? 0, boughtTotal)),
    Math.log1p(viewTotal),
    Math.log1p(s.orders),
    Math.log1p(s.spentFen / 100),
    s.recencyDays === null ? 0 : Math.exp(-s.recencyDays / 90),
    share(s.devices.phone, deviceTotal),
    share(s.devices.tablet, deviceTotal),
    share(s.devices.desktop, deviceTotal),
    share(s.locales.zh, localeTotal),
    (s.rfm?.r ?? 0) / 5,
    (s.rfm?.f ?? 0) / 5,
    (s.rfm?.m ?? 0) / 5,
  ];
}

/**
 * Standardises each dimension over the pool (z-scores: minus the mean, over the standard
 * deviation; a dimension that does not vary becomes 0), so a dimension counts by how unusual a
 * shopper is on it, not by its unit: a spend in yuan does not drown a share between 0 and 1.
 */
export function standardise(rows: readonly number[][]): number[][] {
  if (rows.length === 0) return [];
  const dims = rows[0]?.length ?? 0;
  const mean = new Array<number>(dims).fill(0);
  const sd = new Array<number>(dims).fill(0);
  for (const row of rows) for (let d = 0; d < dims; d++) mean[d] = (mean[d] ?? 0) + (row[d] ?? 0) / rows.length;
  for (const row of rows) for (let d = 0; d < dims; d++) sd[d] = (sd[d] ?? 0) + ((row[d] ?? 0) - (mean[d] ?? 0)) ** 2 / rows.length;
  for (let d = 0; d < dims; d++) sd[d] = Math.sqrt(sd[d] ?? 0);
  return rows.map((row) => row.map((v, d) => ((sd[d] ?? 0) > 1e-12 ? (v - (mean[d] ?? 0)) / (sd[d] ?? 1) : 0)));
}

/** The pool's standardised vectors, one per shopper in the pool's order, with the dimensions' names. */
export function featureMatrix(pool: readonly ShopperFacts[]): { names: string[]; vectors: number[][] } {
  const categories = poolCategories(pool);
  return { names: featureNames(categories), vectors: standardise(pool.map((s) => rawVector(s, categories))) };
}
