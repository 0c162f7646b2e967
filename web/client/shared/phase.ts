import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";

export type ClientPhase = SkuSnapshot["phase"];

/** The phase at server time `now`: the page moves on at the exact instant, before any push arrives. */
export function phaseAt(snapshot: SkuSnapshot, now: number): ClientPhase {
  if (now >= snapshot.endsAt) return "ended";
  if (now < snapshot.startsAt) return "upcoming";
  return snapshot.stock.remaining > 0 ? "live" : "sold_out";
}
