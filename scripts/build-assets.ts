/**
 * `npm run build`: the storefront's static assets, made once at build time.
 * - Client scripts and CSS (the shop's pages and the marketer console): bundled and minified
 *   by esbuild, named by content hash, so they can be cached forever (`Cache-Control: immutable`).
 * - Product images: each source in web/images is rendered and encoded by sharp as AVIF,
 *   WebP and JPEG at a few widths; the Worker picks one per request by `Accept`.
 * Writes public/ (served through the ASSETS binding) and build/asset-manifest.json (imported
 * by the Worker). Unchanged images are not encoded again.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build } from "esbuild";
import sharp, { type Sharp } from "sharp";
import type { AssetManifest, ImageFormat } from "../src/assets/manifest.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WEB = join(ROOT, "web");
const PUBLIC = join(ROOT, "public");
const BUILD = join(ROOT, "build");
const IMAGE_WIDTHS = [480, 960];
const FORMATS: Array<{ format: ImageFormat; encode: (image: Sharp) => Sharp }> = [
  { format: "avif", encode: (image) => image.avif({ quality: 50, effort: 4 }) },
  { format: "webp", encode: (image) => image.webp({ quality: 75 }) },
  { format: "jpeg", encode: (image) => image.jpeg({ quality: 80, mozjpeg: true }) },
];

const hash = (data: Buffer | string) => createHash("sha256").update(data).digest("hex").slice(0, 10);

async function buildCode(manifest: AssetManifest): Promise<void> {
  const outdir = join(PUBLIC, "assets");
  rmSync(outdir, { recursive: true, force: true });
  // One script per page (web/client/*.page.ts: the shop's pages and the marketer console),
  // one stylesheet per look (web/styles/*.css: the shop's and the console's).
  const scripts = readdirSync(join(WEB, "client")).filter((f) => f.endsWith(".page.ts"));
  const styles = readdirSync(join(WEB, "styles")).filter((f) => f.endsWith(".css"));
  const options = {
    outdir,
    bundle: true,
    minify: true,
    format: "esm" as const,
    target: ["chrome110", "safari16", "firefox110"],
    entryNames: "[name].[hash]",
    chunkNames: "[name].[hash]",
    metafile: true as const,
    logLevel: "warning" as const,
  } satisfies BuildOptions;
  // Pages that load a large library only when a view needs it (the console's propagation graph,
  // cytoscape; the till's QR decoder) are built with code splitting: the dynamic `import()` becomes a chunk of its own,
  // fetched by the page's script, whose nonce it inherits. The others stay one file each.
  const splitting = scripts.filter((f) => SPLIT_PAGES.has(f));
  const whole = scripts.filter((f) => !SPLIT_PAGES.has(f));
  // The service worker (issue 15): a classic script at a fixed name, /sw.js, since its URL is its scope.
  await build({
    ...options,
    entryPoints: [join(WEB, "client", "sw.ts")],
    outdir: undefined,
    outfile: join(PUBLIC, "sw.js"),
    format: "iife",
    entryNames: undefined,
    metafile: false,
  });
  const results = await Promise.all([
    build({ ...options, entryPoints: [...whole.map((f) => join(WEB, "client", f)), ...styles.map((f) => join(WEB, "styles", f))] }),
    build({ ...options, splitting: true, entryPoints: splitting.map((f) => join(WEB, "client", f)) }),
  ]);
  for (const result of results) {
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      if (!output.entryPoint || !SOURCES.test(output.entryPoint)) continue;
      const name = basename(output.entryPoint).replace(SOURCES, "");
      const url = `/assets/${basename(file)}`;
      if (file.endsWith(".css")) manifest.styles[name] = url;
      else manifest.scripts[name] = url;
    }
  }
}

/** The entry points' own names: a page script or a stylesheet (a lazily loaded library's chunk is neither). */
const SOURCES = /\.page\.ts$|\.css$/;
/** Pages built with code splitting (see buildCode). */
const SPLIT_PAGES = new Set(["console.page.ts", "store-staff.page.ts"]);

async function buildImages(manifest: AssetManifest): Promise<void> {
  const outdir = join(PUBLIC, "images");
  mkdirSync(outdir, { recursive: true });
  for (const file of readdirSync(join(WEB, "images")).sort()) {
    const source = readFileSync(join(WEB, "images", file));
    const name = basename(file, extname(file));
    const id = `${name}.${hash(source)}`;
    manifest.images[name] = { id, widths: {} };
    for (const width of IMAGE_WIDTHS) {
      const variants = {} as Record<ImageFormat, { path: string; bytes: number }>;
      for (const { format, encode } of FORMATS) {
        const path = `/images/${id}-${width}.${format === "jpeg" ? "jpg" : format}`;
        const target = join(PUBLIC, path);
        if (!existsSync(target)) {
          const raster = sharp(source, { density: 150 }).resize({ width, withoutEnlargement: false }).flatten({ background: "#ffffff" });
          writeFileSync(target, await encode(raster).toBuffer());
        }
        variants[format] = { path, bytes: readFileSync(target).length };
      }
      manifest.images[name]!.widths[width] = variants;
    }
  }
}

/** Bytes saved by AVIF and WebP against JPEG, over every sample image and width. */
function imageReport(manifest: AssetManifest) {
  const total = { avif: 0, webp: 0, jpeg: 0 };
  for (const image of Object.values(manifest.images)) {
    for (const variants of Object.values(image.widths)) {
      for (const format of ["avif", "webp", "jpeg"] as const) total[format] += variants[format].bytes;
    }
  }
  const saved = (format: "avif" | "webp") => Math.round((1 - total[format] / total.jpeg) * 1000) / 10;
  return { bytes: total, savedVsJpegPercent: { avif: saved("avif"), webp: saved("webp") } };
}

export async function buildAssets(): Promise<AssetManifest & { report: ReturnType<typeof imageReport> }> {
  const manifest: AssetManifest = { scripts: {}, styles: {}, images: {} };
  await buildCode(manifest);
  await buildImages(manifest);
  mkdirSync(BUILD, { recursive: true });
  writeFileSync(join(BUILD, "asset-manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const report = imageReport(manifest);
  writeFileSync(join(BUILD, "image-report.json"), `${JSON.stringify(report, null, 2)}\n`);
  return { ...manifest, report };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { scripts, styles, images, report } = await buildAssets();
  console.log(
    `assets: ${Object.keys(scripts).length} scripts, ${Object.keys(styles).length} styles, ${Object.keys(images).length} images; ` +
      `vs JPEG: AVIF −${report.savedVsJpegPercent.avif}%, WebP −${report.savedVsJpegPercent.webp}% ` +
      `(${report.bytes.jpeg} → ${report.bytes.webp} / ${report.bytes.avif} bytes)`,
  );
}
