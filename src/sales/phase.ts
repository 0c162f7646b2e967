import type { SaleConfig } from "./sale-config.ts";

export type SalePhase = "upcoming" | "live" | "sold_out" | "ended";

/** The phase a shopper sees at `now` (server time), given how many units are left. */
export function salePhase(sale: Pick<SaleConfig, "startsAt" | "endsAt">, remaining: number, now: number): SalePhase {
  if (now >= sale.endsAt) return "ended";
  if (now < sale.startsAt) return "upcoming";
  return remaining > 0 ? "live" : "sold_out";
}

/** The unit price of the `rank`-th unit sold (1-based): its tier's price, or list price past every tier. */
export function unitPriceForRank(sale: Pick<SaleConfig, "tiers" | "listPrice">, rank: number): number {
  const tier = sale.tiers.find((t) => rank >= t.fromRank && rank <= t.toRank);
  return tier ? tier.unitPrice : sale.listPrice;
}
