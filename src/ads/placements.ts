/**
 * Where ads show and at which sizes (issue 18), without zod, so the console's script can import
 * them (zod's JIT probes `new Function`, which the console's CSP refuses): the placements, the
 * off-site channels, every rendered size and a variant's URL. src/ads/campaign.ts re-exports all.
 */

export const AD_CAMPAIGN_STATUSES = ["draft", "active", "paused"] as const;
export type AdCampaignStatus = (typeof AD_CAMPAIGN_STATUSES)[number];
export const CREATIVE_VARIANTS = ["a", "b", "c", "d"] as const;
export type CreativeVariant = (typeof CREATIVE_VARIANTS)[number];

export type CreativeSize = { width: number; height: number };

/**
 * Where the storefront shows ads, each with the widths it is rendered at (one aspect ratio per
 * placement, narrowest first): the home page's banner (12:5) and the sale page's slot (2:1).
 */
export const PLACEMENT_SIZES = {
  home_banner: [
    { width: 360, height: 150 },
    { width: 720, height: 300 },
    { width: 1080, height: 450 },
    { width: 1440, height: 600 },
  ],
  sale_slot: [
    { width: 320, height: 160 },
    { width: 640, height: 320 },
    { width: 960, height: 480 },
  ],
} as const satisfies Record<string, readonly CreativeSize[]>;
export type Placement = keyof typeof PLACEMENT_SIZES;
export const PLACEMENTS = Object.keys(PLACEMENT_SIZES) as Placement[];

/** Off-site channels a campaign exports a creative set for, each with the sizes the channel takes. */
export const OFFSITE_CHANNELS = {
  wechat_moments: [
    { width: 1080, height: 1080 },
    { width: 1280, height: 720 },
  ],
  douyin_feed: [
    { width: 1080, height: 1920 },
    { width: 720, height: 1280 },
  ],
  weibo_feed: [{ width: 1200, height: 675 }],
} as const satisfies Record<string, readonly CreativeSize[]>;
export type OffsiteChannel = keyof typeof OFFSITE_CHANNELS;
export const OFFSITE_CHANNEL_NAMES = Object.keys(OFFSITE_CHANNELS) as OffsiteChannel[];

/** Every size an uploaded image is rendered at (placements and channels, each size once), as `<w>x<h>`. */
export const RENDERED_SIZES: CreativeSize[] = (() => {
  const seen = new Map<string, CreativeSize>();
  for (const sizes of [...Object.values(PLACEMENT_SIZES), ...Object.values(OFFSITE_CHANNELS)]) {
    for (const size of sizes) seen.set(sizeKey(size), { width: size.width, height: size.height });
  }
  return [...seen.values()];
})();

export const AD_IMAGE_FORMATS = ["webp", "jpg"] as const;
export type AdImageFormat = (typeof AD_IMAGE_FORMATS)[number];

export function sizeKey(size: CreativeSize): string {
  return `${size.width}x${size.height}`;
}

/**
 * A rendered variant's id: the image and the size, so a URL is known without reading Postgres:
 * `/ads/img/<imageId>-<w>x<h>.<webp|jpg>`, served with long immutable caching.
 */
export function adImageVariantId(imageId: string, size: CreativeSize): string {
  return `${imageId}-${sizeKey(size)}`;
}

export function adImageUrl(imageId: string, size: CreativeSize, format: AdImageFormat = "webp"): string {
  return `/ads/img/${adImageVariantId(imageId, size)}.${format}`;
}
