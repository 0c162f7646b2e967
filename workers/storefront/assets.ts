import { Hono } from "hono";
import manifestJson from "../../build/asset-manifest.json";
import { IMAGE_CONTENT_TYPES, negotiateImageFormat, type AssetManifest } from "../../src/assets/manifest.ts";
import type { AppEnv } from "./app-env.ts";

/** What the build produced (scripts/build-assets.ts): hashed script and style URLs, image variants. */
export const assets: AssetManifest = manifestJson;

const FOREVER = "public, max-age=31536000, immutable";

/**
 * Static files at the edge. Names carry a content hash, so every response is cacheable
 * forever; an image URL names the picture and width, and the format is chosen per request
 * from `Accept` (AVIF, then WebP, else JPEG), hence `Vary: Accept`.
 */
export const staticFiles = new Hono<AppEnv>()
  .get("/assets/:file", async (c) => {
    const response = await c.env.ASSETS.fetch(new URL(`/assets/${c.req.param("file")}`, c.req.url));
    if (!response.ok) return c.notFound();
    return withHeaders(response, { "Cache-Control": FOREVER });
  })
  // The service worker (issue 15): at the root, so its scope is the whole shop; never cached long,
  // so a new build's worker is picked up at the next visit.
  .get("/sw.js", async (c) => {
    const response = await c.env.ASSETS.fetch(new URL("/sw.js", c.req.url));
    if (!response.ok) return c.notFound();
    return withHeaders(response, { "Cache-Control": "no-cache", "Content-Type": "text/javascript; charset=utf-8" });
  })
  .get("/images/:id/:width", async (c) => {
    const image = Object.values(assets.images).find((candidate) => candidate.id === c.req.param("id"));
    const variants = image?.widths[Number(c.req.param("width"))];
    if (!variants) return c.notFound();
    const format = negotiateImageFormat(c.req.header("Accept"));
    const response = await c.env.ASSETS.fetch(new URL(variants[format].path, c.req.url));
    if (!response.ok) return c.notFound();
    return withHeaders(response, { "Cache-Control": FOREVER, "Content-Type": IMAGE_CONTENT_TYPES[format], Vary: "Accept" });
  });

function withHeaders(response: Response, headers: Record<string, string>): Response {
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}

/** The negotiable URL of a picture at a width, or null if no such picture was built. */
export function imageUrl(name: string, width: 480 | 960): string | null {
  const image = assets.images[name];
  return image ? `/images/${image.id}/${width}` : null;
}
