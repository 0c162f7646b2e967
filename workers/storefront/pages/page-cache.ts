import { LANGS, type Lang } from "../../../src/i18n/messages.ts";
import type { EdgeCachePolicy } from "./edge-cache.ts";

/** Shared pages are cached at the edge briefly; live numbers come over the WebSocket anyway. */
export const PAGE_CACHE: EdgeCachePolicy = { freshSeconds: 5, staleSeconds: 30 };

export const HOME_PATH = "/";

/** A sale page's one path, whatever spelling of it was requested (`/sales/%61bc` is `/sales/abc`). */
export function salePagePath(sku: string): string {
  return `/sales/${encodeURIComponent(sku)}`;
}

/**
 * The edge-cache key of a shared page: the shop's origin (the Cache API wants the Worker's own
 * hostname in its keys), the page's canonical path and its language. The query is not part of
 * it: `?lang=` is answered uncached, and anything else does not change the page.
 */
export function pageCacheKey(origin: string, path: string, lang: Lang): string {
  return `${origin}${path}?__lang=${lang}`;
}

/** Every cached page that shows `sku`: its own page and the home page's listing, in every language. */
export function salePageKeys(sku: string, origin: string): string[] {
  return [HOME_PATH, salePagePath(sku)].flatMap((path) => LANGS.map((lang) => pageCacheKey(origin, path, lang)));
}

/**
 * Drops the cached pages that show `sku` (issue 11), so a saved edit shows on the next request
 * rather than after the cache's 5 + 30 s. `origin` is the shop's, as the saving request saw it.
 *
 * `cache.delete` reaches only the data centre this Worker runs in: that is all the Cache API
 * offers. Elsewhere the pages turn over within the cache's policy; a global purge needs the
 * zone's purge API (by URL or Cache-Tag), which is out of scope. Returns how many entries
 * were there.
 */
export async function purgeSalePages(sku: string, origin: string, cache: Cache = caches.default): Promise<number> {
  const deleted = await Promise.all(salePageKeys(sku, origin).map((key) => cache.delete(key)));
  return deleted.filter(Boolean).length;
}
