import type { SaleConfig } from "./sale-config.ts";

export type SalePhase = "upcoming" | "live" | "sold_out" | "ended";

/** The phase a shopper sees at `now` (server time), given how many units are left. */
export function salePhase(sale: Pick<SaleConfig, "startsAt" | "endsAt">, remaining: number, now: number): SalePhase {
  if (now >= sale.endsAt) return "ended";
  if (now < sale.startsAt) return "upcoming";
  return remaining > 0 ? "live" : "sold_out";
}

/** The phases the marketer console lists sales by: a paused sale that has not ended is "paused". */
export const CONSOLE_PHASES = ["upcoming", "live", "paused", "sold_out", "ended"] as const;
export type ConsolePhase = (typeof CONSOLE_PHASES)[number];

/** The console's phase of a sale at `now`, given how many units are left (issue 6). */
export function consolePhase(sale: Pick<SaleConfig, "startsAt" | "endsAt" | "paused">, remaining: number, now: number): ConsolePhase {
  const phase = salePhase(sale, remaining, now);
  return sale.paused && phase !== "ended" ? "paused" : phase;
}
