import fc from "fast-check";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { sniffImage } from "../../src/ads/image-sniff.ts";

async function image(width: number, height: number, format: "png" | "jpeg" | "webp", lossless = false) {
  const raw = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 40 } } });
  const encoded = format === "png" ? raw.png() : format === "jpeg" ? raw.jpeg() : raw.webp({ lossless });
  return new Uint8Array(await encoded.toBuffer());
}

describe("an uploaded image told by its bytes", () => {
  it.each([
    ["png", 640, 480, false],
    ["jpeg", 1200, 500, false],
    ["webp", 333, 777, false],
    ["webp", 401, 203, true],
  ] as const)("reads a %s's dimensions %i×%i", async (format, width, height, lossless) => {
    expect(sniffImage(await image(width, height, format, lossless))).toEqual({ ok: true, image: { type: format, width, height } });
  });

  it("reads an extended WebP (VP8X, with alpha)", async () => {
    const bytes = new Uint8Array(
      await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } })
        .webp()
        .toBuffer(),
    );
    expect(sniffImage(bytes)).toEqual({ ok: true, image: { type: "webp", width: 300, height: 200 } });
  });

  it("refuses what is not an image, whatever it is called: a GIF, text, a PDF, a PNG cut short", async () => {
    const gif = new TextEncoder().encode("GIF89a\x01\x00\x01\x00");
    const pdf = new TextEncoder().encode("%PDF-1.7\n");
    const png = await image(200, 200, "png");
    for (const bytes of [gif, new TextEncoder().encode("hello"), pdf, png.subarray(0, 20), new Uint8Array()]) {
      const sniffed = sniffImage(bytes);
      expect(sniffed.ok).toBe(false);
      if (!sniffed.ok) expect(sniffed.problems[0]).toMatch(/not a PNG, JPEG or WebP/);
    }
  });

  it("lists every dimension problem: too narrow and too short", async () => {
    expect(sniffImage(await image(50, 60, "png"))).toEqual({
      ok: false,
      problems: ["image: width 50 px is below 100 px", "image: height 60 px is below 100 px"],
    });
  });

  it("property: never throws on arbitrary bytes, and answers a type only with whole dimensions", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom([], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff]),
        (tail, head) => {
          const sniffed = sniffImage(new Uint8Array([...head, ...tail]));
          if (sniffed.ok) {
            expect(Number.isInteger(sniffed.image.width) && Number.isInteger(sniffed.image.height)).toBe(true);
            expect(sniffed.image.width).toBeGreaterThanOrEqual(100);
          } else expect(sniffed.problems.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});
