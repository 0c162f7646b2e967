/**
 * Member prices (issue 16): a sale that opts in (`memberPrices` in its configuration) takes the
 * shopper's tier's `memberPricePercentOff` off the units' prices, FIRST, before coupons and
 * points: a coupon's threshold (满300减50) is compared with the member price, percent-off
 * coupons and the points cap are taken of what is left after it.
 */

/** The member's tier as the checkout read it: what the SKU object prices with. */
export interface MemberTerms {
  tier: string;
  /** 1–50 (the tier configuration's bound); 0 is no member price and is never passed. */
  percentOff: number;
}

/** The member-price line an order carries: `amount` fen off its subtotal. */
export interface MemberPriceLine extends MemberTerms {
  amount: number;
}

/**
 * Prices `subtotal` fen (the units at their rank's price) with the member's percent: one line
 * taking percentOff % of the subtotal, rounded DOWN to whole fen (as coupons: the shop never
 * gives away a fraction of a fen), so subtotal = left + line. No terms, or a sale that did not
 * opt in: no line, nothing off.
 */
export function priceWithMember(
  subtotal: number,
  member: MemberTerms | null | undefined,
  saleOptsIn: boolean,
): { memberPrice: MemberPriceLine | null; left: number } {
  if (!member || !saleOptsIn || member.percentOff <= 0) return { memberPrice: null, left: subtotal };
  const amount = Math.min(subtotal, Math.floor((subtotal * member.percentOff) / 100));
  return { memberPrice: { tier: member.tier, percentOff: member.percentOff, amount }, left: subtotal - amount };
}

/** One unit's member price, as the sale page shows it (the order's line is taken of the whole subtotal). */
export function memberUnitPrice(unitPrice: number, percentOff: number): number {
  return unitPrice - Math.floor((unitPrice * percentOff) / 100);
}
