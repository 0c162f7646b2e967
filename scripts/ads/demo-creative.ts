import sharp from "sharp";

/**
 * The demo campaign's creative (issue 18), generated rather than shipped: a 1600×900 PNG drawn
 * from SVG by sharp, a red-to-orange field with a price tag shape and Latin text only (the
 * machine may have no CJK font; the headline carries the Chinese).
 */
export async function demoCreativePng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#d0021b"/><stop offset="1" stop-color="#f5a623"/></linearGradient></defs>
  <rect width="1600" height="900" fill="url(#g)"/>
  <circle cx="1250" cy="450" r="300" fill="#ffffff" fill-opacity="0.18"/>
  <rect x="1080" y="330" width="340" height="240" rx="40" fill="#ffffff"/>
  <text x="1250" y="485" font-family="sans-serif" font-size="120" font-weight="700" fill="#d0021b" text-anchor="middle">-50%</text>
  <text x="160" y="420" font-family="sans-serif" font-size="140" font-weight="700" fill="#ffffff">11.11</text>
  <text x="160" y="560" font-family="sans-serif" font-size="80" fill="#ffffff">Flash sale</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
