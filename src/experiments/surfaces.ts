/**
 * The storefront surfaces an experiment can drive (issue 13: the seed's 动态 vs 静态倒计时,
 * 红色 vs 蓝色按钮, "立减50元" vs "5折优惠", 骨架屏 vs 菊花图), each with the variants the pages
 * know how to render, the first being the control: what a shopper outside the experiment
 * sees. An experiment's variants must be variants of its surface, so a saved experiment
 * never asks a page for something it cannot draw.
 */
export const SURFACES = {
  /** The sale page's countdown: a millisecond canvas, or a fixed "ends at 23:59". */
  countdown: ["dynamic", "static"],
  /** The sale page's Buy button colour. */
  buy_button: ["red", "blue"],
  /** The promotion label by the price: the same discount as an amount off ("立减50元") or as a fraction ("5折优惠"). */
  promo_label: ["amount_off", "discount"],
  /** What the sale page and the home page show while their live numbers load. */
  loading: ["spinner", "skeleton"],
  /** Issue 18: an ad campaign's creative, by its variant letter (src/ads/campaign.ts); on no page's list, asked for by ad serving. */
  ad_creative: ["a", "b", "c", "d"],
} as const satisfies Record<string, readonly [string, string, ...string[]]>;

export type Surface = keyof typeof SURFACES;
export type VariantOf<S extends Surface> = (typeof SURFACES)[S][number];
export const SURFACE_NAMES = Object.keys(SURFACES) as Surface[];

/** The variant a shopper outside any experiment of this surface sees. */
export function controlOf<S extends Surface>(surface: S): VariantOf<S> {
  return SURFACES[surface][0];
}

/** Which surfaces each page shows, so a page asks for, applies and reports only its own. */
export const PAGE_SURFACES = {
  sale: ["countdown", "buy_button", "promo_label", "loading"],
  home: ["promo_label", "loading"],
} as const satisfies Record<string, readonly Surface[]>;

export type ExperimentPage = keyof typeof PAGE_SURFACES;
