import type { Context } from "hono";

/**
 * Serves a page from the edge cache (Cache API) with stale-while-revalidate: fresh for
 * `freshSeconds`, then still served for `staleSeconds` while one refresh renders anew in
 * the background. Only shared, impersonal pages come here; a response that sets a cookie
 * or is not a 200 is never stored.
 */
export async function edgeCached(
  c: Context,
  cacheKey: string,
  policy: { freshSeconds: number; staleSeconds: number },
  render: () => Promise<Response>,
): Promise<Response> {
  const cache = caches.default;
  const key = new Request(cacheKey, { method: "GET" });
  const hit = await cache.match(key);
  if (hit) {
    const ageSeconds = (Date.now() - Number(hit.headers.get("X-Rendered-At"))) / 1000;
    const stale = ageSeconds > policy.freshSeconds;
    if (stale) c.executionCtx.waitUntil(store(cache, key, await render(), policy));
    return forClient(hit, stale ? "STALE" : "HIT", policy);
  }
  const fresh = await render();
  if (cacheable(fresh)) c.executionCtx.waitUntil(store(cache, key, fresh.clone(), policy));
  return forClient(fresh, "MISS", policy);
}

function cacheable(response: Response): boolean {
  return response.status === 200 && !response.headers.has("Set-Cookie");
}

async function store(cache: Cache, key: Request, response: Response, policy: { freshSeconds: number; staleSeconds: number }) {
  if (!cacheable(response)) return;
  const stored = new Response(response.body, response);
  stored.headers.set("X-Rendered-At", String(Date.now()));
  // The Cache API honours max-age only: keep the entry through the stale window too.
  stored.headers.set("Cache-Control", `public, max-age=${policy.freshSeconds + policy.staleSeconds}`);
  await cache.put(key, stored);
}

function forClient(response: Response, status: "HIT" | "MISS" | "STALE", policy: { freshSeconds: number; staleSeconds: number }) {
  const copy = new Response(response.body, response);
  copy.headers.set("X-Edge-Cache", status);
  copy.headers.set(
    "Cache-Control",
    `public, max-age=${policy.freshSeconds}, stale-while-revalidate=${policy.staleSeconds}`,
  );
  copy.headers.delete("X-Rendered-At");
  return copy;
}
