import type { SaleConfig, SaleDraft } from "../../../src/sales/sale-config.ts";

/** What the server keeps with each version, not what a marketer wrote: never a "change". */
export const BOOKKEEPING = ["version", "updatedAt", "updatedBy"] as const satisfies ReadonlyArray<
  Exclude<keyof SaleConfig, keyof SaleDraft>
>;

/** A saved sale without the server's bookkeeping: what an update sends back. */
export function draftOf(sale: SaleConfig): SaleDraft {
  const { version: _version, updatedAt: _updatedAt, updatedBy: _updatedBy, ...draft } = sale;
  return draft;
}
