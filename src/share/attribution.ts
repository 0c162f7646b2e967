/**
 * Last-touch attribution (issue 14): an order is credited to the referrer and campaign of the
 * shopper's latest landing before it, when that landing is within the attribution window
 * (default 7 days). Pure: landings and the order come in, the credited touch or null goes out.
 *
 * The rules, each pinned by test/unit/attribution.test.ts:
 * - Only landings at or before the order count; a landing after the order never does (the
 *   page it opened cannot have caused it). A landing in the same millisecond counts.
 * - The window is half-open: a landing exactly ATTRIBUTION_WINDOW_MS before the order is OUT,
 *   one a millisecond later is in: `order.at - landing.at < windowMs`. The same edge as the
 *   view window's (src/profile/view-window.ts): a touch leaves the window when its age
 *   reaches the window, not after.
 * - Self-referral is never credited: a landing through the buyer's own link (referrerId ===
 *   buyerId) is skipped as though it had not happened, so clicking one's own link neither
 *   earns credit nor takes it from the friend whose link came before.
 * - Last touch: the latest remaining landing wins, also when it has no referrer (a campaign
 *   link from an ad, not a friend): the campaign is credited and the referrer is null. Two
 *   landings in the same millisecond: the one later in the list (recorded later) wins.
 */
import type { Utm } from "../events/event.ts";

/** 7 days in milliseconds: 604,800,000. */
export const ATTRIBUTION_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** A recorded landing (a `share_landings` row): when, through whose code, with what UTM. */
export interface Touch {
  /** Epoch ms. */
  at: number;
  /** The `ref` of the link, when it carried one. */
  referralCode: string | null;
  /** The shopper the code resolved to (referral_codes), null when none or unknown. */
  referrerId: string | null;
  source?: string | undefined;
  medium?: string | undefined;
  campaign?: string | undefined;
  term?: string | undefined;
  content?: string | undefined;
}

export interface AttributedOrder {
  /** Epoch ms the order was placed. */
  at: number;
  /** Integer minor units (fen). */
  amount: number;
  buyerId: string;
}

/** What an order is credited to. */
export interface Credit {
  touch: Touch;
  referrerId: string | null;
  referralCode: string | null;
  campaign: string | null;
  utm: Utm;
  /** The order's amount, credited in full (last touch takes it all). */
  amount: number;
  /** How long before the order the touch was, in ms (0 ≤ age < window). */
  ageMs: number;
}

/**
 * The touch `order` is credited to: the latest of `landings` at or before the order, not a
 * self-referral, and less than `windowMs` before it; null when there is none. The landings may
 * come in any order.
 */
export function attribute(landings: readonly Touch[], order: AttributedOrder, windowMs: number = ATTRIBUTION_WINDOW_MS): Credit | null {
  if (!(windowMs > 0)) throw new RangeError("the attribution window must be positive");
  let latest: Touch | null = null;
  for (const landing of landings) {
    if (landing.at > order.at) continue;
    if (landing.referrerId !== null && landing.referrerId === order.buyerId) continue;
    if (latest === null || landing.at >= latest.at) latest = landing;
  }
  if (latest === null || order.at - latest.at >= windowMs) return null;
  const utm: Utm = {};
  for (const field of ["source", "medium", "campaign", "term", "content"] as const) {
    const value = latest[field];
    if (value !== undefined) utm[field] = value;
  }
  return {
    touch: latest,
    referrerId: latest.referrerId,
    referralCode: latest.referralCode,
    campaign: latest.campaign ?? null,
    utm,
    amount: order.amount,
    ageMs: order.at - latest.at,
  };
}
