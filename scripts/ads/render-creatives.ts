/**
 * The creative renderer (issue 18): a Node process that draws every queued ad image at each
 * placement's and off-site channel's size (RENDERED_SIZES in src/ads/campaign.ts) as WebP and
 * JPEG with sharp (libvips), cropping to each size's aspect ratio around the centre. It leases
 * `queued` rows `for update skip locked` (claimed_at; a lease that runs out, from a renderer
 * that died, is taken again), so any number can run side by side; an image that fails
 * MAX_RENDER_ATTEMPTS times is marked failed with the reason.
 *
 * `npm start` runs one in-process; in production it runs as its own service next to Postgres
 * (`DATABASE_URL=… npm run ads:render`): a Worker cannot run libvips.
 */
import sharp from "sharp";
import { leaseQueuedAdImages, type RenderedVariant, recordRenderFailure, saveRenderedAdImage } from "../../src/ads/ad-images.ts";
import { type CreativeSize, RENDERED_SIZES } from "../../src/ads/campaign.ts";
import type { Database, DatabaseSettings } from "../../src/db/client.ts";
import { redactSecrets } from "../../src/redact.ts";
import { type QueueJob, runQueueJobAsMain, startQueuePasses } from "../cli/queue-passes.ts";

/** Quality 80 for both: a 1440-wide banner photo stays near 100 KB (a truncated or corrupt file fails, never renders half grey). */
const WEBP_QUALITY = 80;
const JPEG_QUALITY = 80;

/** Every size of one image, WebP and JPEG. */
export async function renderVariants(original: Buffer, sizes: readonly CreativeSize[] = RENDERED_SIZES): Promise<RenderedVariant[]> {
  const variants: RenderedVariant[] = [];
  for (const size of sizes) {
    // Decoded once per size; `rotate()` honours EXIF orientation so a phone photo is upright.
    const resized = sharp(original, { failOn: "truncated" }).rotate().resize(size.width, size.height, { fit: "cover", position: "centre" });
    const webp = await resized.clone().webp({ quality: WEBP_QUALITY }).toBuffer();
    const jpg = await resized.clone().flatten({ background: "#ffffff" }).jpeg({ quality: JPEG_QUALITY, progressive: true }).toBuffer();
    variants.push({ size, format: "webp", base64: webp.toString("base64"), byteSize: webp.length });
    variants.push({ size, format: "jpg", base64: jpg.toString("base64"), byteSize: jpg.length });
  }
  return variants;
}

/**
 * One pass: leases up to `limit` queued images and renders each. Returns how many were rendered.
 * `only`: these images and no others (a test's own uploads, in a Postgres other tests share).
 */
export async function renderQueuedCreatives(
  db: Database,
  options: { limit?: number; now?: () => number; only?: readonly string[] } = {},
): Promise<number> {
  const now = options.now ?? Date.now;
  let rendered = 0;
  for (const image of await leaseQueuedAdImages(db, options.limit ?? 2, now(), { only: options.only })) {
    try {
      const variants = await renderVariants(Buffer.from(image.original, "base64"));
      await saveRenderedAdImage(db, image.id, variants, now());
      rendered += 1;
    } catch (error) {
      const message = redactSecrets((error as Error).message);
      console.error(`ad image ${image.id} not rendered (attempt ${image.attempts}): ${message}`);
      await recordRenderFailure(db, image, message);
    }
  }
  return rendered;
}

/** Runs passes every `intervalMs` (at once again while a pass found work) until stopped. */
export function startCreativeRenderer(settings: DatabaseSettings, intervalMs = 2000): QueueJob {
  return startQueuePasses(settings, "creative renderer", (db) => renderQueuedCreatives(db), { intervalMs });
}

runQueueJobAsMain(import.meta.url, startCreativeRenderer, {
  needs: "the renderer reads queued ad images from Postgres.",
  running: "creative renderer: rendering queued ad images",
});
