import { encode } from "fast-png";

/**
 * A PNG of `width`×`height` filled with random colour blocks, made in plain JavaScript so
 * workerd tests can upload one without sharp; random, so each call's bytes (and sha256) are new
 * and tests sharing one Postgres never meet each other's images.
 */
export function randomPng(width = 400, height = 200): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  const seed = crypto.getRandomValues(new Uint8Array(48));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const block = ((Math.floor(y / 25) * 7 + Math.floor(x / 25)) % 16) * 3;
      data.set([seed[block] ?? 0, seed[block + 1] ?? 0, seed[block + 2] ?? 0], (y * width + x) * 3);
    }
  }
  return encode({ width, height, data, channels: 3 });
}

export function base64Of(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
