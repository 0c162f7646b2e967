import type { LifetimeFacts } from "./lifetime.ts";
import type { ProductView } from "./view-window.ts";

/**
 * A shopper's profile (issue 13) as the API answers it, to the shopper (`GET /api/me/profile`)
 * and to staff (`GET /admin/api/shoppers/{id}/profile`): the 30-minute window from Redis and
 * the lifetime facts from Postgres. Types only, so the pages' scripts can import them.
 */
export interface ShopperProfile {
  shopperId: string;
  /** Epoch ms: the moment the window is of. */
  serverTime: number;
  /** Null when Redis could not be read: the lifetime facts stand on their own. */
  window: ProfileWindow | null;
  lifetime: LifetimeFacts;
}

export interface ProfileWindow {
  /** The window's length: it holds views after `serverTime − minutes`, up to `serverTime`. */
  minutes: number;
  /** Most recent first, each SKU once at its latest view. */
  products: Array<{ sku: string; category: string; viewedAt: number }>;
  distinct: number;
  latestCategory: string | null;
}

/** The window's products as the API names their fields. */
export function presentViews(products: readonly ProductView[]): ProfileWindow["products"] {
  return products.map(({ sku, category, at }) => ({ sku, category, viewedAt: at }));
}
