import { Hono } from "hono";
import { AD_VARIANT_CONTENT_TYPES, readAdImageVariant } from "../../src/ads/ad-images.ts";
import type { AdImageFormat } from "../../src/ads/campaign.ts";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { describeDatabaseFailure } from "../../src/db/errors.ts";
import type { AppEnv } from "./app-env.ts";

const FOREVER = "public, max-age=31536000, immutable";
/** `<imageId>-<w>x<h>.<webp|jpg>` (src/ads/campaign.ts adImageUrl). */
const FILE = /^([a-z0-9]{8,40}-\d{2,5}x\d{2,5})\.(webp|jpg)$/;

/**
 * Rendered ad creatives (issue 18) at `/ads/img/<imageId>-<w>x<h>.<webp|jpg>`, from Postgres
 * (`ad_image_variants`, written by the Node renderer). A variant's bytes never change (a new
 * image is a new id), so each is cached for a year, immutable, in the browser and in the edge
 * cache: Postgres is read once per variant per colo. A variant not (yet) rendered is 404, not
 * cached, so it shows once the renderer has drawn it.
 */
export const adImageFiles = new Hono<AppEnv>().get("/:file", async (c) => {
  const match = FILE.exec(c.req.param("file"));
  if (!match) return c.notFound();
  const [, id, format] = match as unknown as [string, string, AdImageFormat];
  const cacheKey = new URL(`/ads/img/${id}.${format}`, c.req.url).toString();
  const cache = caches.default;
  const hit = await cache.match(cacheKey);
  if (hit) {
    const copy = new Response(hit.body, hit);
    copy.headers.set("X-Edge-Cache", "HIT");
    return copy;
  }
  let variant: Awaited<ReturnType<typeof readAdImageVariant>>;
  try {
    variant = await withDatabase(databaseSettings(c.env), (db) => readAdImageVariant(db, id, format));
  } catch (error) {
    console.error(`ad image ${id}.${format}: Postgres did not answer (${describeDatabaseFailure(error).summary})`);
    return c.body(null, 503, { "Cache-Control": "no-store", "Retry-After": "5" });
  }
  if (!variant) return c.body(null, 404, { "Cache-Control": "no-store" });
  const bytes = Uint8Array.from(atob(variant.base64), (ch) => ch.charCodeAt(0));
  const headers = {
    "Content-Type": AD_VARIANT_CONTENT_TYPES[format],
    "Cache-Control": FOREVER,
    "Content-Length": String(bytes.length),
    "X-Content-Type-Options": "nosniff",
  };
  c.executionCtx.waitUntil(cache.put(cacheKey, new Response(bytes, { headers })));
  return new Response(bytes, { headers: { ...headers, "X-Edge-Cache": "MISS" } });
});
