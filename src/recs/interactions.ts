import { VIEW_WINDOW_MS } from "../profile/view-window.ts";
import type { RecItem, ShopperFeatures } from "./model.ts";
import { FRESHNESS_TAU_DAYS, freshnessWeight } from "./ranking-math.ts";

/**
 * The recommender's view of the event log (issue 18, part D): product views, adds to cart and
 * paid orders, from Postgres (`events`) or the generated log; what training learns from and
 * what the time-based hold-out evaluates on.
 */
export const INTERACTION_TYPES = ["product_view", "add_to_cart", "order_paid"] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

export interface Interaction {
  shopperId: string;
  type: InteractionType;
  sku: string;
  category: string;
  /** Epoch ms, server time. */
  at: number;
  /** Fen, for order_paid. */
  amount?: number;
}

/** How much a positive counts by what the shopper did: a purchase says more than a look. */
export const TYPE_WEIGHT: Record<InteractionType, number> = { product_view: 1, add_to_cart: 2, order_paid: 4 };

/** One training example: the shopper's features just before the interaction, and the item. */
export interface TrainingExample {
  features: ShopperFeatures;
  sku: string;
  /** Type weight × freshness exp(−age/τ), age measured to the end of training. */
  weight: number;
}

/** An evaluation case: features after three distinct views of a held-out session; what followed. */
export interface EvaluationCase {
  features: ShopperFeatures;
  /** The SKUs the case's shopper had just viewed (excluded from every ranking). */
  viewed: string[];
  relevant: Set<string>;
}

/** Sessions split at 30 minutes without an interaction (the view window's length). */
export const SESSION_GAP_MS = VIEW_WINDOW_MS;

function byShopper(log: readonly Interaction[]): Map<string, Interaction[]> {
  const shoppers = new Map<string, Interaction[]>();
  for (const event of log) {
    const list = shoppers.get(event.shopperId);
    if (list) list.push(event);
    else shoppers.set(event.shopperId, [event]);
  }
  for (const list of shoppers.values()) list.sort((a, b) => a.at - b.at);
  return shoppers;
}

/** Segment and order history before `at`, as the profile would show them then. */
function historyBefore(events: readonly Interaction[], at: number, segment: string | null) {
  let paidOrders = 0;
  let spentFen = 0;
  for (const event of events) {
    if (event.at >= at) break;
    if (event.type === "order_paid") {
      paidOrders++;
      spentFen += event.amount ?? 0;
    }
  }
  return { segment, paidOrders, spentFen };
}

/**
 * Training examples from the interactions before `until`: each interaction is a positive for the
 * shopper as they were just before it (views in the 30 minutes before, the item itself left out
 * so the tower learns what comes next, not to echo the input). Weighted by type and freshness.
 */
export function trainingExamples(
  log: readonly Interaction[],
  until: number,
  segments: ReadonlyMap<string, string> = new Map(),
  tauDays: number = FRESHNESS_TAU_DAYS,
): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (const [shopperId, events] of byShopper(log)) {
    const segment = segments.get(shopperId) ?? null;
    let windowStart = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.at >= until) break;
      while (events[windowStart]!.at <= event.at - VIEW_WINDOW_MS) windowStart++;
      const views = [];
      for (let j = windowStart; j < i; j++) {
        const earlier = events[j]!;
        if (earlier.type === "product_view" && earlier.sku !== event.sku)
          views.push({ sku: earlier.sku, category: earlier.category, at: earlier.at });
      }
      examples.push({
        features: { views, ...historyBefore(events, event.at, segment), now: event.at },
        sku: event.sku,
        weight: TYPE_WEIGHT[event.type] * freshnessWeight(until - event.at, tauDays),
      });
    }
  }
  return examples;
}

/**
 * The time-based hold-out: each session starting at or after `from` with at least `inputViews`
 * distinct viewed SKUs and something else after them becomes a case — the features at its
 * third distinct view, and the distinct SKUs it viewed, carted or bought afterwards.
 */
export function evaluationCases(
  log: readonly Interaction[],
  from: number,
  segments: ReadonlyMap<string, string> = new Map(),
  inputViews = 3,
): EvaluationCase[] {
  const cases: EvaluationCase[] = [];
  for (const [shopperId, events] of byShopper(log)) {
    const segment = segments.get(shopperId) ?? null;
    let start = 0;
    while (start < events.length) {
      let end = start + 1;
      while (end < events.length && events[end]!.at - events[end - 1]!.at < SESSION_GAP_MS) end++;
      const session = events.slice(start, end);
      start = end;
      if (session[0]!.at < from) continue;
      const viewed: string[] = [];
      const views: ShopperFeatures["views"] = [];
      let cut = -1;
      for (let i = 0; i < session.length; i++) {
        const event = session[i]!;
        if (event.type !== "product_view") continue;
        views.push({ sku: event.sku, category: event.category, at: event.at });
        if (!viewed.includes(event.sku)) viewed.push(event.sku);
        if (viewed.length === inputViews) {
          cut = i;
          break;
        }
      }
      if (cut < 0) continue;
      const relevant = new Set(session.slice(cut + 1).map((event) => event.sku));
      for (const sku of viewed) relevant.delete(sku);
      if (relevant.size === 0) continue;
      const now = session[cut]!.at;
      cases.push({ features: { views, ...historyBefore(events, now, segment), now }, viewed, relevant });
    }
  }
  return cases;
}

/** SKUs by weighted interactions before `until`, most popular first (ties by SKU). */
export function popularityRanking(log: readonly Interaction[], until: number): string[] {
  const score = new Map<string, number>();
  for (const event of log) if (event.at < until) score.set(event.sku, (score.get(event.sku) ?? 0) + TYPE_WEIGHT[event.type]);
  return [...score.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([sku]) => sku);
}

/** The price band of a unit price in fen: under ¥100, under ¥1,000, or above. */
export function priceBandOf(unitFen: number): string {
  if (unitFen < 10_000) return "budget";
  if (unitFen < 100_000) return "mid";
  return "premium";
}

/**
 * The catalogue as the log knows it (for a log from Postgres): each SKU's latest category, and
 * its price band from its paid orders' unit price (amount / qty), "unknown" when never bought.
 */
export function catalogueFromLog(log: readonly Interaction[], quantities: ReadonlyMap<Interaction, number> = new Map()): RecItem[] {
  const items = new Map<string, { category: string; at: number; unit: number[] }>();
  for (const event of log) {
    const item = items.get(event.sku) ?? { category: event.category, at: event.at, unit: [] };
    if (event.at >= item.at && event.category) {
      item.category = event.category;
      item.at = event.at;
    }
    if (event.type === "order_paid" && event.amount) item.unit.push(event.amount / (quantities.get(event) ?? 1));
    items.set(event.sku, item);
  }
  return [...items.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([sku, item]) => {
      const sorted = item.unit.sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      return { sku, category: item.category, priceBand: median === undefined ? "unknown" : priceBandOf(median), tags: [] };
    });
}
