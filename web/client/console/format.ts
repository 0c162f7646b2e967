import { formatMoney } from "../../../src/money.ts";

/**
 * How the console writes amounts and instants. Money is the storefront's own formatting
 * (src/money.ts), so the console shows a price as the shopper sees it.
 */

/** Fen as the console shows it: "¥1,299.50". */
export const money = (fen: number): string => formatMoney(fen);

/**
 * Fen as an editable amount in yuan: "1,299.50", the shop's formatting without the symbol
 * (the field is labelled "yuan"). parseYuan (src/money.ts) reads it back exactly: it drops
 * the symbol and the grouping commas.
 */
export const yuanInput = (fen: number): string => formatMoney(fen).replace("¥", "");

/** An instant in the marketer's locale and time zone; "–" for none. */
export const when = (ms: number | null | undefined): string => (ms === null || ms === undefined ? "–" : new Date(ms).toLocaleString());
