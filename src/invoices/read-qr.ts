import { decode as decodePng } from "fast-png";
import { decode as decodeJpeg } from "jpeg-js";
import { decodeQR } from "qr/decode.js";
import type { InvoiceFileType } from "./upload-file.ts";

/**
 * The QR code of an invoice image, decoded in plain JavaScript so it runs in the Worker (the
 * upload is answered at once when its QR reads) and in the Node reader alike. Images are
 * decoded to RGBA with fast-png / jpeg-js; at most MAX_PIXELS, so one upload cannot take more
 * than ~100 ms of the Worker's CPU.
 */
export const MAX_PIXELS = 4_000_000;

/** Pixels as RGBA. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The image's size from its header (PNG's IHDR, JPEG's start-of-frame), without decoding it;
 * null when the header is not there. A photo too large to decode here is not damaged: it goes
 * to the reader.
 */
export function imageSize(bytes: Uint8Array, type: Exclude<InvoiceFileType, "application/pdf">): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === "image/png") return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC) carry the frame's size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + view.getUint16(at + 2);
  }
  return null;
}

/** The image's pixels, or null when it is too large or does not decode. */
export function decodeImage(bytes: Uint8Array, type: Exclude<InvoiceFileType, "application/pdf">): Rgba | null {
  try {
    if (type === "image/jpeg") {
      const image = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 64 });
      return { width: image.width, height: image.height, data: image.data };
    }
    const png = decodePng(bytes);
    if (png.width * png.height > MAX_PIXELS) return null;
    return { width: png.width, height: png.height, data: toRgba(png.data, png.width * png.height, png.channels, png.depth) };
  } catch {
    return null;
  }
}

/** Gray, gray+alpha, RGB or RGBA samples (8 or 16 bits) as 8-bit RGBA. */
function toRgba(samples: ArrayLike<number>, pixels: number, channels: number, depth: number): Uint8Array {
  const shift = depth === 16 ? 8 : 0;
  const out = new Uint8Array(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    const at = p * channels;
    const v = (i: number) => (samples[at + i]! >> shift) & 255;
    const [r, g, b] = channels >= 3 ? [v(0), v(1), v(2)] : [v(0), v(0), v(0)];
    out[p * 4] = r;
    out[p * 4 + 1] = g;
    out[p * 4 + 2] = b;
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** The text of the first QR code found in the pixels, or null when none reads. */
export function readQrText(image: Rgba, timeLimit = 1000): string | null {
  try {
    return decodeQR(image, { format: "RGBA", effort: 3, timeLimit });
  } catch {
    return null;
  }
}
