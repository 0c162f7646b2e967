import { deviceClass } from "../events/device-class.ts";
import type { DeviceClass } from "../events/event.ts";
import { type CreativeSize, PLACEMENT_SIZES, type Placement } from "./placements.ts";

/**
 * Which rendered width of a creative a request gets (issue 18), pure. User-Agent Client Hints
 * first: `Sec-CH-Viewport-Width` (CSS pixels) and `Sec-CH-DPR` give the pixels the slot needs;
 * without them the device class (`Sec-CH-UA-Mobile`, else the User-Agent parsed by bowser) gives
 * a typical viewport and density. The slot is the viewport's width up to the placement's widest
 * CSS width; the smallest rendered width covering slot × density is chosen (the widest when none
 * does), so a phone never downloads the desktop banner and a 3× screen is not blurred.
 */

/** The request's hints, as read from its headers (absent: null). */
export type SizeHints = {
  userAgent: string | null;
  /** `Sec-CH-UA-Mobile`: "?1" or "?0". */
  mobile: string | null;
  /** `Sec-CH-Viewport-Width`: CSS pixels. */
  viewportWidth: string | null;
  /** `Sec-CH-DPR`: device pixel ratio. */
  dpr: string | null;
};

export type ChosenSize = CreativeSize & { device: DeviceClass; cssWidth: number; dpr: number; fromHints: boolean };

/** The widest the slot is drawn, in CSS pixels (the page's layout caps it). */
export const PLACEMENT_MAX_CSS_WIDTH: Record<Placement, number> = { home_banner: 1200, sale_slot: 480 };

/** A typical viewport width (CSS px) and density per device class, when the browser sends no hints. */
export const DEVICE_DEFAULTS: Record<DeviceClass, { viewport: number; dpr: number }> = {
  phone: { viewport: 390, dpr: 2 },
  tablet: { viewport: 820, dpr: 2 },
  desktop: { viewport: 1280, dpr: 1 },
  bot: { viewport: 1280, dpr: 1 },
  unknown: { viewport: 390, dpr: 2 },
};

/** Asked of browsers on responses that choose a size, and what such responses vary by. */
export const ACCEPT_CH = "Sec-CH-UA-Mobile, Sec-CH-Viewport-Width, Sec-CH-DPR";
export const SIZE_VARY = "Sec-CH-UA-Mobile, Sec-CH-Viewport-Width, Sec-CH-DPR, User-Agent";

export function sizeHintsFrom(headers: Headers): SizeHints {
  return {
    userAgent: headers.get("User-Agent"),
    mobile: headers.get("Sec-CH-UA-Mobile"),
    viewportWidth: headers.get("Sec-CH-Viewport-Width"),
    dpr: headers.get("Sec-CH-DPR"),
  };
}

/** A hint's number when it is a sane one (a lying or broken hint is ignored, never trusted into a huge size). */
function hintNumber(text: string | null, min: number, max: number): number | null {
  if (text === null) return null;
  const value = Number(text.trim());
  return Number.isFinite(value) && text.trim() !== "" && value >= min && value <= max ? value : null;
}

export function chooseCreativeSize(placement: Placement, hints: Partial<SizeHints>): ChosenSize {
  const device = deviceClass(hints.userAgent ?? null, hints.mobile ?? null);
  const defaults = DEVICE_DEFAULTS[device];
  const viewport = hintNumber(hints.viewportWidth ?? null, 120, 10_000);
  const hintedDpr = hintNumber(hints.dpr ?? null, 0.5, 10);
  const cssWidth = Math.min(viewport ?? defaults.viewport, PLACEMENT_MAX_CSS_WIDTH[placement]);
  // Above 3× the eye gains nothing; the bytes still cost.
  const dpr = Math.min(hintedDpr ?? defaults.dpr, 3);
  const needed = Math.ceil(cssWidth * dpr);
  const sizes: readonly CreativeSize[] = PLACEMENT_SIZES[placement];
  const chosen = sizes.find((size) => size.width >= needed) ?? (sizes[sizes.length - 1] as CreativeSize);
  return { width: chosen.width, height: chosen.height, device, cssWidth, dpr, fromHints: viewport !== null || hintedDpr !== null };
}

/**
 * Marks a response whose content depends on the size chosen here: asks the browser for the
 * hints on its next requests (`Accept-CH`) and tells caches what it varies by (`Vary`, added to
 * whatever the response varies by already).
 */
export function varyBySizeHints(headers: Headers): void {
  headers.set("Accept-CH", ACCEPT_CH);
  const vary = new Set(
    (headers.get("Vary") ?? "")
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean),
  );
  for (const name of SIZE_VARY.split(", ")) vary.add(name);
  headers.set("Vary", [...vary].join(", "));
}
