/**
 * A shopper's last 30 minutes of product views (issue 13, the seed's Flink example): the
 * products viewed, each once at its latest view, how many distinct, and the latest category.
 * The same rules as the Redis sorted set that will hold it (member: the SKU, score: the view's
 * time): a repeat view moves the SKU's time forward and never counts twice, and a view leaves
 * the window exactly 30 minutes after it happened, so the window at `now` is (now − 30 min, now].
 */
export const VIEW_WINDOW_MS = 30 * 60 * 1000;

export interface ProductView {
  sku: string;
  category: string;
  /** Epoch ms, server time. */
  at: number;
}

export interface ViewWindow {
  /** The SKUs viewed in the window, most recent first, each with its latest view. */
  products: ProductView[];
  distinct: number;
  /** The category of the most recent view in the window; null when the window is empty. */
  latestCategory: string | null;
}

/** The window at `now` over any list of views (in any order, repeats included). */
export function viewWindow(views: Iterable<ProductView>, now: number, windowMs: number = VIEW_WINDOW_MS): ViewWindow {
  const latest = new Map<string, ProductView>();
  for (const view of views) {
    if (view.at > now || view.at <= now - windowMs) continue;
    const seen = latest.get(view.sku);
    if (!seen || view.at >= seen.at) latest.set(view.sku, view);
  }
  const products = [...latest.values()].sort((a, b) => b.at - a.at);
  return { products, distinct: products.length, latestCategory: products[0]?.category ?? null };
}
