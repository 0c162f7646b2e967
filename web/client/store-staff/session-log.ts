import type { Redemption } from "./till-types.ts";

/**
 * This session's redemptions at the till (issue 15), newest first: what staff look back at when
 * a shopper asks "did it go through?". Kept in sessionStorage, so a reload keeps the list and
 * closing the tab (or signing out) ends it; at most MAX entries.
 */
const KEY = "till.session";
const MAX = 20;

export interface LoggedRedemption {
  couponId: string;
  title: string;
  redeemedAt: number;
  /** The code as staff saw it (short code or coupon id). */
  code: string;
}

export function sessionRedemptions(): LoggedRedemption[] {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? "[]") as unknown;
    return Array.isArray(saved) ? (saved as LoggedRedemption[]) : [];
  } catch {
    return [];
  }
}

/** Adds a redemption (once per coupon: a replayed confirmation is not a second one). */
export function logRedemption(redemption: Redemption, code: string): LoggedRedemption[] {
  const entry = { couponId: redemption.couponId, title: redemption.title, redeemedAt: redemption.redeemedAt, code };
  const list = [entry, ...sessionRedemptions().filter((e) => e.couponId !== redemption.couponId)].slice(0, MAX);
  sessionStorage.setItem(KEY, JSON.stringify(list));
  return list;
}

export function clearSessionRedemptions(): void {
  sessionStorage.removeItem(KEY);
}
