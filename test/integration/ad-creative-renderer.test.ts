import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import {
  findAdImages,
  leaseQueuedAdImages,
  MAX_RENDER_ATTEMPTS,
  readAdImageVariant,
  recordAdImage,
  renderedSizesOf,
} from "../../src/ads/ad-images.ts";
import { adCampaignSchema, RENDERED_SIZES } from "../../src/ads/campaign.ts";
import { sniffImage } from "../../src/ads/image-sniff.ts";
import { openDatabase } from "../../src/db/client.ts";
import { demoCreativePng } from "../../scripts/ads/demo-creative.ts";
import { renderQueuedCreatives, renderVariants } from "../../scripts/ads/render-creatives.ts";
import { seedDemoAds } from "../../scripts/ads/seed-demo-ads.ts";

/**
 * The Node renderer against the test Postgres (issue 18): a queued upload drawn at every
 * placement's and channel's size as WebP and JPEG, each the exact size asked for; leases that
 * never hand one image to two renderers; an image that cannot be decoded failed after its
 * attempts, with the reason. Each pass is scoped to this file's own uploads (`only`).
 */
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

const NOW = Date.UTC(2026, 10, 27, 8);

/** A photo-like JPEG with random noise, so its bytes (and sha256) are this test's own. */
async function noisyJpeg(width: number, height: number): Promise<Uint8Array> {
  const pixels = randomBytes(width * height * 3);
  return new Uint8Array(
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 70 })
      .toBuffer(),
  );
}

async function queue(bytes: Uint8Array) {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) throw new Error(sniffed.problems.join("; "));
  return (await recordAdImage(database.db, { bytes, image: sniffed.image, name: "t.jpg", actor: "test", at: NOW })).image;
}

describe("the creative renderer", () => {
  it("draws a queued image at every size as WebP and JPEG, each exactly that size, and marks it rendered", async () => {
    const image = await queue(await noisyJpeg(800, 450));
    expect(image.status).toBe("queued");
    expect(await renderQueuedCreatives(database.db, { only: [image.id], now: () => NOW })).toBe(1);
    const [after] = await findAdImages(database.db, [image.id]);
    expect(after).toMatchObject({ status: "rendered", renderedAt: NOW, error: null });
    const sizes = await renderedSizesOf(database.db, image.id);
    expect(sizes).toHaveLength(RENDERED_SIZES.length * 2);
    for (const size of RENDERED_SIZES) {
      for (const format of ["webp", "jpg"] as const) {
        const variant = await readAdImageVariant(database.db, `${image.id}-${size.width}x${size.height}`, format);
        expect(variant).not.toBeNull();
        const meta = await sharp(Buffer.from(variant?.base64 ?? "", "base64")).metadata();
        expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({
          width: size.width,
          height: size.height,
          format: format === "jpg" ? "jpeg" : "webp",
        });
      }
    }
    // Nothing left to lease for it.
    expect(await renderQueuedCreatives(database.db, { only: [image.id], now: () => NOW })).toBe(0);
  });

  it("WebP is smaller than JPEG at the same size for the generated demo creative (the figure in the README)", async () => {
    const variants = await renderVariants(await demoCreativePng(), [{ width: 1440, height: 600 }]);
    const [webp, jpg] = variants;
    expect(webp?.format).toBe("webp");
    expect(jpg?.format).toBe("jpg");
    expect(webp?.byteSize ?? 0).toBeLessThan(jpg?.byteSize ?? 0);
  });

  it("leases an image to one renderer at a time: two concurrent leases share none", async () => {
    const images = await Promise.all([1, 2, 3, 4].map(async () => queue(await noisyJpeg(300, 200))));
    const only = images.map((i) => i.id);
    const [a, b] = await Promise.all([
      leaseQueuedAdImages(database.db, 4, NOW, { only }),
      leaseQueuedAdImages(database.db, 4, NOW, { only }),
    ]);
    const leased = [...(a ?? []), ...(b ?? [])].map((i) => i.id);
    expect(new Set(leased).size).toBe(leased.length);
    expect(leased.sort()).toEqual([...only].sort());
    // Leased just now: not leased again until the lease runs out; then taken again.
    expect(await leaseQueuedAdImages(database.db, 4, NOW + 60_000, { only })).toEqual([]);
    expect(await leaseQueuedAdImages(database.db, 4, NOW + 6 * 60_000, { only })).toHaveLength(4);
  });

  it("an image whose header reads but whose body does not decode is retried, then failed with the reason", async () => {
    const good = new Uint8Array(
      await sharp(randomBytes(400 * 300 * 3), { raw: { width: 400, height: 300, channels: 3 } })
        .png()
        .toBuffer(),
    );
    // The PNG signature and IHDR (400×300), then garbage where the pixel data should be: sniffed fine, not decodable.
    const broken = new Uint8Array([...good.subarray(0, 33), ...randomBytes(400)]);
    const image = await queue(broken);
    for (let attempt = 1; attempt <= MAX_RENDER_ATTEMPTS; attempt++) {
      expect(await renderQueuedCreatives(database.db, { only: [image.id], now: () => NOW + attempt * 10 * 60_000 })).toBe(0);
    }
    const [after] = await findAdImages(database.db, [image.id]);
    expect(after?.status).toBe("failed");
    expect(after?.error).toBeTruthy();
  });
});

describe("the demo ad npm start seeds", () => {
  it("renders the generated creative once and answers the campaign's KV entries naming it; a second start answers the same image", async () => {
    const settings = { url: inject("stackVars").DATABASE_URL, localWsProxy: inject("stackVars").NEON_WS_PROXY };
    const first = await seedDemoAds(settings, NOW);
    const second = await seedDemoAds(settings, NOW + 60_000);
    const campaign = adCampaignSchema.parse(JSON.parse(first[0]?.value ?? "null"));
    expect(first.map((e) => e.key)).toEqual(["ad-campaign:demo-double11", "ad-campaign-history:demo-double11:0000000001"]);
    expect(campaign).toMatchObject({ status: "active", placements: ["home_banner", "sale_slot"], version: 1 });
    const imageId = campaign.creatives[0]?.imageId ?? "";
    expect(adCampaignSchema.parse(JSON.parse(second[0]?.value ?? "null")).creatives[0]?.imageId).toBe(imageId);
    const [image] = await findAdImages(database.db, [imageId]);
    expect(image).toMatchObject({ status: "rendered", width: 1600, height: 900, contentType: "image/png" });
    expect(await renderedSizesOf(database.db, imageId)).toHaveLength(RENDERED_SIZES.length * 2);
  });
});
