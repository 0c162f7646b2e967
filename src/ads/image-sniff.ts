/**
 * What an uploaded creative image is, told by its bytes, never by a name or a declared type
 * (issue 18), pure: PNG (its IHDR), JPEG (the first start-of-frame marker) or WebP (VP8, VP8L or
 * VP8X), with its pixel dimensions. Anything else, a truncated header, or absurd dimensions is a
 * problem listed for a 422.
 */

export const AD_IMAGE_TYPES = ["png", "jpeg", "webp"] as const;
export type AdImageType = (typeof AD_IMAGE_TYPES)[number];

export const AD_IMAGE_LIMITS = {
  /** Decoded bytes at most (1 MiB). */
  maxBytes: 1024 * 1024,
  minSide: 100,
  maxSide: 8000,
} as const;

export type SniffedImage = { type: AdImageType; width: number; height: number };
export type Sniffed = { ok: true; image: SniffedImage } | { ok: false; problems: string[] };

export function sniffImage(bytes: Uint8Array): Sniffed {
  const found = readHeader(bytes);
  if (!found)
    return { ok: false, problems: ["image: not a PNG, JPEG or WebP image (told by its first bytes), or its header is cut short"] };
  const problems: string[] = [];
  for (const [side, value] of [
    ["width", found.width],
    ["height", found.height],
  ] as const) {
    if (value < AD_IMAGE_LIMITS.minSide) problems.push(`image: ${side} ${value} px is below ${AD_IMAGE_LIMITS.minSide} px`);
    if (value > AD_IMAGE_LIMITS.maxSide) problems.push(`image: ${side} ${value} px is above ${AD_IMAGE_LIMITS.maxSide} px`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, image: found };
}

export const IMAGE_CONTENT_TYPES: Record<AdImageType, string> = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" };

function readHeader(b: Uint8Array): SniffedImage | null {
  if (b.length >= 24 && startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && ascii(b, 12, 4) === "IHDR") {
    return { type: "png", width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (b.length >= 4 && (b[0] ?? 0) === 0xff && (b[1] ?? 0) === 0xd8 && (b[2] ?? 0) === 0xff) return jpegSize(b);
  if (b.length >= 30 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") return webpSize(b);
  return null;
}

/** Walks the JPEG's markers to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC). */
function jpegSize(b: Uint8Array): SniffedImage | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if ((b[at] ?? 0) !== 0xff) return null;
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0);
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > b.length) return null;
      return { type: "jpeg", height: ((b[at + 5] ?? 0) << 8) | (b[at + 6] ?? 0), width: ((b[at + 7] ?? 0) << 8) | (b[at + 8] ?? 0) };
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    at += 2 + length;
  }
  return null;
}

function webpSize(b: Uint8Array): SniffedImage | null {
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 ") {
    // A key frame's start code, then 14-bit width and height.
    if ((b[23] ?? 0) !== 0x9d || (b[24] ?? 0) !== 0x01 || (b[25] ?? 0) !== 0x2a) return null;
    return { type: "webp", width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === "VP8L") {
    if ((b[20] ?? 0) !== 0x2f) return null;
    const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
    return { type: "webp", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    return { type: "webp", width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  return null;
}

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => (b[i] ?? 0) === byte);
}
function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length));
}
function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) >>> 0) + ((b[at + 1] ?? 0) << 16) + ((b[at + 2] ?? 0) << 8) + (b[at + 3] ?? 0);
}
function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
}
