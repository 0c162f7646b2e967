/**
 * The README's renderer figures (issue 18): renders the demo creative (1600×900 PNG) at every
 * size and prints each variant's bytes as WebP and JPEG and the time the whole set took.
 * `npm run eval:ads-render`.
 */
import { RENDERED_SIZES } from "../../src/ads/campaign.ts";
import { demoCreativePng } from "./demo-creative.ts";
import { renderVariants } from "./render-creatives.ts";

const png = await demoCreativePng();
await renderVariants(png, [RENDERED_SIZES[0] ?? { width: 360, height: 150 }]); // warm libvips up
const runs: number[] = [];
let variants = await renderVariants(png);
for (let i = 0; i < 3; i++) {
  const started = performance.now();
  variants = await renderVariants(png);
  runs.push(performance.now() - started);
}
console.log(
  `demo creative: ${png.length} bytes PNG 1600×900; ${variants.length} variants; whole set in ${Math.min(...runs).toFixed(0)} ms (best of 3)`,
);
console.log("| size | WebP bytes | JPEG bytes | WebP / JPEG |");
console.log("|---|---|---|---|");
for (const size of RENDERED_SIZES) {
  const of = (format: string) =>
    variants.find((v) => v.format === format && v.size.width === size.width && v.size.height === size.height)?.byteSize ?? 0;
  console.log(`| ${size.width}×${size.height} | ${of("webp")} | ${of("jpg")} | ${((of("webp") / of("jpg")) * 100).toFixed(0)} % |`);
}
