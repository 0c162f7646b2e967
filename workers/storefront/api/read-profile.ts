import { databaseSettings, redisSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { lifetimeFacts, paidSkus } from "../../../src/profile/lifetime.ts";
import { shopperEventGroups } from "../../../src/profile/lifetime-query.ts";
import { presentViews, type ProfileWindow, type ShopperProfile } from "../../../src/profile/shopper-profile.ts";
import { ViewWindowStore } from "../../../src/profile/view-window-store.ts";
import { VIEW_WINDOW_MS } from "../../../src/profile/view-window.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { withTimeout } from "../../../src/timeout.ts";

/** How long a profile waits for Redis before it answers without the window. */
export const WINDOW_READ_TIMEOUT_MS = 1_000;
/** How long it waits for Postgres before it answers 503. */
export const LIFETIME_READ_TIMEOUT_MS = 5_000;
/** The most paid SKUs whose category is looked up in KV (the most bought first); the rest fall back to the shopper's views. */
export const CATEGORY_LOOKUPS = 20;

/**
 * A shopper's profile at `now` (issue 13): the window from Redis and the lifetime facts from
 * Postgres, read at once. Redis is best-effort (a window that cannot be read is null, logged);
 * Postgres is not: without it there is no profile to give, 503 `dependency_unavailable`.
 */
export async function readProfile(env: Env, shopperId: string, now: number): Promise<ShopperProfile> {
  const [window, lifetime] = await Promise.all([readWindow(env, shopperId, now), readLifetime(env, shopperId)]);
  return { shopperId, serverTime: now, window, lifetime };
}

async function readWindow(env: Env, shopperId: string, now: number): Promise<ProfileWindow | null> {
  try {
    const store = new ViewWindowStore(openRedis(redisSettings(env)));
    const window = await withTimeout(store.read(shopperId, now), WINDOW_READ_TIMEOUT_MS);
    return {
      minutes: VIEW_WINDOW_MS / 60_000,
      products: presentViews(window.products),
      distinct: window.distinct,
      latestCategory: window.latestCategory,
    };
  } catch (error) {
    console.error(`profile: the view window could not be read (${redactSecrets((error as Error).message)}); answered without it`);
    return null;
  }
}

async function readLifetime(env: Env, shopperId: string) {
  const groups = await withTimeout(
    withDatabase(databaseSettings(env), (db) => shopperEventGroups(db, shopperId)),
    LIFETIME_READ_TIMEOUT_MS,
  ).catch((error: unknown) => {
    if (error instanceof AppError) throw error;
    console.error(`profile: Postgres did not answer (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "shopper events (Postgres) cannot be reached; try again shortly");
  });
  return lifetimeFacts(groups, await saleCategories(env, paidSkus(groups).slice(0, CATEGORY_LOOKUPS)));
}

/** Each SKU's category from its sale's configuration in KV; a SKU without one (or KV failing) is left out. */
async function saleCategories(env: Env, skus: readonly string[]): Promise<Map<string, string>> {
  const catalog = new SaleCatalog(env.SALES);
  const found = await Promise.all(
    skus.map(async (sku) => {
      const sale = await catalog.find(sku).catch(() => null);
      return sale ? ([sku, sale.category] as const) : null;
    }),
  );
  return new Map(found.filter((entry) => entry !== null));
}
