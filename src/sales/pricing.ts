import type { PriceTier, SaleConfig } from "./sale-config.ts";

type Priced = Pick<SaleConfig, "tiers" | "listPrice">;

/** The tier a sale rank falls in, if any. */
export function tierForRank(sale: Priced, rank: number): PriceTier | undefined {
  return sale.tiers.find((t) => rank >= t.fromRank && rank <= t.toRank);
}

/** The unit price of the `rank`-th unit sold (1-based): its tier's price, or list price past every tier. */
export function unitPriceForRank(sale: Priced, rank: number): number {
  return tierForRank(sale, rank)?.unitPrice ?? sale.listPrice;
}

/** What a set of units costs: each unit at its rank's price; integer minor units throughout. */
export function priceUnits(sale: Priced, ranks: readonly number[]) {
  const unitPrices = ranks.map((rank) => unitPriceForRank(sale, rank));
  const first = ranks[0] === undefined ? undefined : tierForRank(sale, ranks[0]);
  return {
    unitPrices,
    totalAmount: unitPrices.reduce((sum, price) => sum + price, 0),
    tier: first ? (first.label ?? `units ${first.fromRank}-${first.toRank}`) : null,
  };
}

/** The price a shopper sees now, given the rank the next unit will have. */
export function currentOffer(sale: Priced, nextRank: number | null) {
  if (nextRank === null) return { unitPrice: null, tier: null, unitsLeftInTier: null, nextTier: null };
  const tier = tierForRank(sale, nextRank);
  const following = sale.tiers.find((t) => t.fromRank > nextRank);
  return {
    unitPrice: unitPriceForRank(sale, nextRank),
    tier: tier ? { label: tier.label ?? null, fromRank: tier.fromRank, toRank: tier.toRank } : null,
    /** Units left at this price before the next tier, counting from the next rank. */
    unitsLeftInTier: tier ? tier.toRank - nextRank + 1 : null,
    /** The next price step and the rank it starts at (list price after the last tier). */
    nextTier: tier
      ? { fromRank: tier.toRank + 1, unitPrice: following?.fromRank === tier.toRank + 1 ? following.unitPrice : sale.listPrice }
      : null,
  };
}
