import { redactSecrets } from "../../../src/redact.ts";
import { withTimeout } from "../../../src/timeout.ts";

/** How long an entry is fresh, and how long after that it is still served while it is rendered anew. */
export interface EdgeCachePolicy {
  freshSeconds: number;
  staleSeconds: number;
}

export interface EdgeCacheOptions {
  /** The clock, epoch ms: `Date.now` in the Worker, a controlled one in tests. */
  now?: () => number;
}

/** What keeps background work alive after the response: the request's `ExecutionContext`. */
export type BackgroundWork = Pick<ExecutionContext, "waitUntil">;

/**
 * A refresh gives up after this long. The runtime cancels `waitUntil` work 30 s after the
 * response, and a render cancelled so would never settle: its key would stay taken in
 * `refreshing` for the isolate's life, and the page never be refreshed in the background again.
 */
const REFRESH_TIMEOUT_MS = 10_000;

/** When the entry's render began, epoch ms: a stored header, removed before a shopper sees it. */
const RENDERED_AT = "X-Rendered-At";

/**
 * The refreshes running in this isolate, by cache key: one render per key at a time (issue 11).
 * When a popular page goes stale, every request in the next moments finds it stale; without
 * this each would render it again, which for the home page is a KV listing and one Durable
 * Object call per sale. Cleared when the refresh settles, whether it stored or failed.
 */
const refreshing = new Map<string, Promise<void>>();

/**
 * Serves a page from the edge cache (Cache API) with stale-while-revalidate done by hand (the
 * Cache API keeps only `max-age`): fresh for `freshSeconds`; then, for `staleSeconds`, the
 * stale copy is answered at once while the page is rendered anew in the background (`waitUntil`),
 * once per key in this isolate at a time. A failed refresh keeps the stale copy and is logged.
 * Only shared, impersonal pages come here; a response that sets a cookie or is not a 200 is
 * never stored. `render` may run after the response has gone, so it must not touch the
 * request's hono context (see pages/index.ts).
 */
export async function edgeCached(
  work: BackgroundWork,
  cacheKey: string,
  policy: EdgeCachePolicy,
  render: () => Promise<Response>,
  options: EdgeCacheOptions = {},
): Promise<Response> {
  const now = options.now ?? Date.now;
  const cache = caches.default;
  const hit = await cache.match(cacheKey);
  if (hit) {
    const stale = !(now() - renderedAt(hit) <= policy.freshSeconds * 1000); // an unreadable time is stale
    if (stale) refreshInBackground(work, cache, cacheKey, policy, render, now);
    return forClient(hit, stale ? "STALE" : "HIT", policy);
  }
  const started = now();
  const fresh = await render();
  if (cacheable(fresh)) work.waitUntil(store(cache, cacheKey, fresh.clone(), started, policy));
  return forClient(fresh, "MISS", policy);
}

/** Starts a refresh of `cacheKey` unless one is already running in this isolate. */
function refreshInBackground(
  work: BackgroundWork,
  cache: Cache,
  cacheKey: string,
  policy: EdgeCachePolicy,
  render: () => Promise<Response>,
  now: () => number,
): void {
  if (refreshing.has(cacheKey)) return;
  const refresh = (async () => {
    const started = now();
    await store(cache, cacheKey, await withTimeout(render(), REFRESH_TIMEOUT_MS), started, policy);
  })()
    .catch((error: unknown) => {
      // Never thrown into a request: the stale copy stays until a later refresh succeeds or it expires.
      const message = error instanceof Error ? error.message : String(error);
      console.error(`edge cache: refreshing ${cacheKey} failed, the stale copy stays: ${redactSecrets(message)}`);
    })
    .finally(() => {
      if (refreshing.get(cacheKey) === refresh) refreshing.delete(cacheKey);
    });
  refreshing.set(cacheKey, refresh);
  work.waitUntil(refresh);
}

function cacheable(response: Response): boolean {
  return response.status === 200 && !response.headers.has("Set-Cookie");
}

function renderedAt(response: Response): number {
  return Number(response.headers.get(RENDERED_AT) ?? Number.NaN);
}

/**
 * Stores a render unless the entry already holds a later one: a render that began before
 * another (a slow refresh, one started before a sale was saved and its pages purged) read
 * older data and must not replace the newer page.
 */
async function store(cache: Cache, cacheKey: string, response: Response, started: number, policy: EdgeCachePolicy): Promise<void> {
  if (!cacheable(response)) return;
  const current = await cache.match(cacheKey);
  if (current) {
    await current.body?.cancel();
    if (renderedAt(current) > started) return;
  }
  const stored = new Response(response.body, response);
  stored.headers.set(RENDERED_AT, String(started));
  // The Cache API honours max-age only: keep the entry through the stale window too.
  stored.headers.set("Cache-Control", `public, max-age=${policy.freshSeconds + policy.staleSeconds}`);
  await cache.put(cacheKey, stored);
}

function forClient(response: Response, status: "HIT" | "MISS" | "STALE", policy: EdgeCachePolicy): Response {
  const copy = new Response(response.body, response);
  copy.headers.set("X-Edge-Cache", status);
  copy.headers.set("Cache-Control", `public, max-age=${policy.freshSeconds}, stale-while-revalidate=${policy.staleSeconds}`);
  copy.headers.delete(RENDERED_AT);
  return copy;
}
