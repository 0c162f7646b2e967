import { salePhase } from "../../../src/sales/phase.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";

export type ClientPhase = SkuSnapshot["phase"];

/** The phase at server time `now`: the page moves on at the exact instant, before any push arrives. */
export function phaseAt(snapshot: SkuSnapshot, now: number): ClientPhase {
  return salePhase(snapshot, snapshot.stock.remaining, now);
}
