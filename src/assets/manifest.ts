/** The image formats made at build time, best first. */
export type ImageFormat = "avif" | "webp" | "jpeg";

/**
 * What scripts/build-assets.ts produced: content-hashed URLs of scripts and styles, and
 * every image variant. The Worker imports it to link pages and negotiate images.
 */
export interface AssetManifest {
  scripts: Record<string, string>;
  styles: Record<string, string>;
  images: Record<string, { id: string; widths: Record<number, Record<ImageFormat, { path: string; bytes: number }>> }>;
}

const BEST_FIRST: ImageFormat[] = ["avif", "webp", "jpeg"];

/** The best format the client accepts: AVIF, then WebP, else JPEG (which every client takes). */
export function negotiateImageFormat(accept: string | null | undefined): ImageFormat {
  const accepted = (accept ?? "").toLowerCase();
  return BEST_FIRST.find((format) => format === "jpeg" || accepted.includes(`image/${format}`)) ?? "jpeg";
}

export const IMAGE_CONTENT_TYPES: Record<ImageFormat, string> = { avif: "image/avif", webp: "image/webp", jpeg: "image/jpeg" };
