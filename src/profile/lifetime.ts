/**
 * A shopper's lifetime facts (issue 13), from their rows of Postgres `events`, pure: what
 * ./lifetime-query.ts reads (the shopper's events grouped by type, SKU and category) turned
 * into first seen, paid orders, spend and favourite categories.
 *
 * - **First seen**: the earliest event of any type. Order events are written with the order
 *   (the outbox, src/events/order-events.ts), so this is also the earliest order; orders placed
 *   before events were recorded (migration 0005) are not counted.
 * - **Paid orders** and **spend**: `order_paid` events, one per order (their id is
 *   `<order id>:paid`), and the sum of their totals in fen. A paid order is never cancelled.
 * - **Favourite categories**: each category's paid orders (`purchases`) and product views
 *   (`views`), ranked by purchases, then views, then name; the top FAVOURITE_LIMIT. What a
 *   shopper buys says more than what they look at, and a count beside each keeps the rule
 *   visible instead of hiding it in a weighted score. An order carries its SKU, not its
 *   category: `categoryOf` says it (the sale configuration in KV, which is where the pages'
 *   category comes from), else the category under which the shopper last viewed the SKU; an
 *   order whose SKU has neither counts in no category.
 */

/** How many favourite categories a profile names. */
export const FAVOURITE_LIMIT = 3;

/** One group of a shopper's events: a type, a SKU and a category (each may be null), and how many. */
export interface EventGroup {
  type: string;
  sku: string | null;
  category: string | null;
  events: number;
  /** Sum of `amount` over the group, fen (0 for types without one). */
  amount: number;
  /** Epoch ms of the group's earliest and latest event. */
  firstAt: number;
  lastAt: number;
}

export interface FavouriteCategory {
  category: string;
  purchases: number;
  views: number;
}

export interface LifetimeFacts {
  /** Epoch ms of the shopper's first event; null for a shopper with none. */
  firstSeen: number | null;
  paidOrders: number;
  /** Integer fen. */
  spend: number;
  favouriteCategories: FavouriteCategory[];
}

/** The SKUs the shopper paid for, most paid first: those whose category must be looked up. */
export function paidSkus(groups: readonly EventGroup[]): string[] {
  const paid = new Map<string, number>();
  for (const g of groups) if (g.type === "order_paid" && g.sku) paid.set(g.sku, (paid.get(g.sku) ?? 0) + g.events);
  return [...paid].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([sku]) => sku);
}

/** The facts from the groups; `categoryOf` gives a paid SKU's category where the sale configuration has one. */
export function lifetimeFacts(groups: readonly EventGroup[], categoryOf: ReadonlyMap<string, string> = new Map()): LifetimeFacts {
  let firstSeen: number | null = null;
  let paidOrders = 0;
  let spend = 0;
  const tally = new Map<string, FavouriteCategory>();
  const count = (category: string) => {
    const entry = tally.get(category) ?? { category, purchases: 0, views: 0 };
    tally.set(category, entry);
    return entry;
  };
  const viewedAs = viewedCategories(groups);
  for (const g of groups) {
    firstSeen = firstSeen === null ? g.firstAt : Math.min(firstSeen, g.firstAt);
    if (g.type === "product_view" && g.category) count(g.category).views += g.events;
    if (g.type === "order_paid") {
      paidOrders += g.events;
      spend += g.amount;
      const category = (g.sku && (categoryOf.get(g.sku) ?? viewedAs.get(g.sku))) || null;
      if (category) count(category).purchases += g.events;
    }
  }
  const favouriteCategories = [...tally.values()]
    .sort((a, b) => b.purchases - a.purchases || b.views - a.views || a.category.localeCompare(b.category))
    .slice(0, FAVOURITE_LIMIT);
  return { firstSeen, paidOrders, spend, favouriteCategories };
}

/** The category under which the shopper last viewed each SKU. */
function viewedCategories(groups: readonly EventGroup[]): Map<string, string> {
  const latest = new Map<string, { category: string; at: number }>();
  for (const g of groups) {
    if (g.type !== "product_view" || !g.sku || !g.category) continue;
    const seen = latest.get(g.sku);
    if (!seen || g.lastAt > seen.at) latest.set(g.sku, { category: g.category, at: g.lastAt });
  }
  return new Map([...latest].map(([sku, { category }]) => [sku, category]));
}
