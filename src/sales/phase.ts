import type { SaleConfig } from "./sale-config.ts";

export type SalePhase = "upcoming" | "live" | "sold_out" | "ended";

/** The phase a shopper sees at `now` (server time), given how many units are left. */
export function salePhase(sale: Pick<SaleConfig, "startsAt" | "endsAt">, remaining: number, now: number): SalePhase {
  if (now >= sale.endsAt) return "ended";
  if (now < sale.startsAt) return "upcoming";
  return remaining > 0 ? "live" : "sold_out";
}
