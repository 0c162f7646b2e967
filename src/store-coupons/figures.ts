/**
 * The store-coupon figures (issue 15): coupons claimed from livestreams, coupons redeemed at
 * stores' tills, and the redemption rate, per livestream and per store. Pure arithmetic over
 * what the queries counted (stats-query.ts).
 *
 * Per store, "claimed" is the coupons claimed from every livestream that lists the store (its
 * `stores` in the livestream's configuration): each of those coupons could be redeemed there.
 * A coupon of a livestream with three stores is counted for all three, so stores' claimed
 * figures do not add up to the livestreams'; their redeemed figures do (a coupon is redeemed
 * once, in one store).
 */

/** Claimed, redeemed and their rate. */
export interface Figures {
  claimed: number;
  redeemed: number;
  /** redeemed ÷ claimed, 0–1 (above 1 only when a window holds redemptions of coupons claimed before it); null when nothing was claimed. */
  redemptionRate: number | null;
}

/** redeemed ÷ claimed; null, never NaN or Infinity, when nothing was claimed. 40 claimed, 9 redeemed: 0.225. */
export function redemptionRate(claimed: number, redeemed: number): number | null {
  return claimed > 0 ? redeemed / claimed : null;
}

export function figures(claimed: number, redeemed: number): Figures {
  return { claimed, redeemed, redemptionRate: redemptionRate(claimed, redeemed) };
}

/** A rate as the console shows it: "22.5 %", or "–" for none. */
export function percent(rate: number | null): string {
  return rate === null ? "–" : `${(Math.round(rate * 1000) / 10).toFixed(1)} %`;
}

/** Coupons claimed from one livestream. */
export interface ClaimCount {
  livestreamId: string;
  claimed: number;
}

/** Coupons redeemed in one store, claimed from one livestream (null: the event named none). */
export interface RedemptionCount {
  livestreamId: string | null;
  storeId: string;
  redeemed: number;
}

export interface LivestreamFigures extends Figures {
  livestreamId: string;
}

export interface StoreFigures extends Figures {
  storeId: string;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** Each livestream that had a claim or a redemption, with its figures, most claimed first. */
export function livestreamFigures(claims: readonly ClaimCount[], redemptions: readonly RedemptionCount[]): LivestreamFigures[] {
  const ids = new Set([...claims.map((c) => c.livestreamId), ...redemptions.flatMap((r) => (r.livestreamId ? [r.livestreamId] : []))]);
  return [...ids]
    .map((livestreamId) => ({
      livestreamId,
      ...figures(
        sum(claims.filter((c) => c.livestreamId === livestreamId).map((c) => c.claimed)),
        sum(redemptions.filter((r) => r.livestreamId === livestreamId).map((r) => r.redeemed)),
      ),
    }))
    .sort(byClaimedThenId((f) => f.livestreamId));
}

/**
 * Each store with figures: those that redeemed anything, and those a livestream with claims
 * lists (`storesOf`; a livestream whose configuration is gone lists none). `stores` adds stores
 * to show even with nothing (the one store asked about).
 */
export function storeFigures(
  claims: readonly ClaimCount[],
  redemptions: readonly RedemptionCount[],
  storesOf: (livestreamId: string) => readonly string[],
  stores: readonly string[] = [],
): StoreFigures[] {
  const claimedIn = new Map<string, number>();
  for (const { livestreamId, claimed } of claims) {
    for (const storeId of new Set(storesOf(livestreamId))) claimedIn.set(storeId, (claimedIn.get(storeId) ?? 0) + claimed);
  }
  const ids = new Set([...stores, ...claimedIn.keys(), ...redemptions.map((r) => r.storeId)]);
  return [...ids]
    .map((storeId) => ({
      storeId,
      ...figures(claimedIn.get(storeId) ?? 0, sum(redemptions.filter((r) => r.storeId === storeId).map((r) => r.redeemed))),
    }))
    .sort(byClaimedThenId((f) => f.storeId));
}

/** All livestreams together: every claim, every in-store redemption. */
export function totalFigures(claims: readonly ClaimCount[], redemptions: readonly RedemptionCount[]): Figures {
  return figures(sum(claims.map((c) => c.claimed)), sum(redemptions.map((r) => r.redeemed)));
}

function byClaimedThenId<T extends Figures>(id: (row: T) => string) {
  return (a: T, b: T) => b.claimed - a.claimed || b.redeemed - a.redeemed || id(a).localeCompare(id(b));
}
