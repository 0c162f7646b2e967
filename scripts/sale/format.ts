import { formatMoney } from "../../src/money.ts";
import type { SaleConfig } from "../../src/sales/sale-config.ts";

const BOOKKEEPING = new Set(["version", "updatedAt", "updatedBy"]);

export const when = (ms: number | null | undefined): string => (ms === null || ms === undefined ? "-" : new Date(ms).toLocaleString());

/** A field's value in a marketer's units: yuan, local time, tiers and gifts spelled out. */
function show(field: string, value: unknown): string {
  if (value === undefined) return "-";
  if (field === "listPrice" && typeof value === "number") return formatMoney(value);
  if ((field === "startsAt" || field === "endsAt") && typeof value === "number") return when(value);
  if (field === "tiers" && Array.isArray(value)) {
    return value.length
      ? (value as SaleConfig["tiers"]).map((t) => `${t.fromRank}-${t.toRank} at ${formatMoney(t.unitPrice)}`).join(", ")
      : "none";
  }
  if (field === "gifts" && Array.isArray(value)) {
    return value.length
      ? (value as SaleConfig["gifts"]).map((g) => `${g.title} x${g.stock} (${when(g.startsAt)} - ${when(g.endsAt)})`).join(", ")
      : "none";
  }
  if (field === "waitingRoom") {
    const room = value as SaleConfig["waitingRoom"];
    return room ? `${room.admitPerSecond}/s, tickets for ${room.ticketTtlSeconds} s` : "off";
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** What changed between two versions, one line per field. */
export function changes(before: SaleConfig | null, after: SaleConfig): string[] {
  if (!before) return [after.version === 1 ? "created" : "the oldest version kept (earlier ones were written to KV by other means)"];
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => !BOOKKEEPING.has(f));
  const lines = fields
    .filter((f) => JSON.stringify(before[f as keyof SaleConfig]) !== JSON.stringify(after[f as keyof SaleConfig]))
    .map((f) => `${f}: ${show(f, before[f as keyof SaleConfig])} -> ${show(f, after[f as keyof SaleConfig])}`);
  return lines.length ? lines : ["no change"];
}

/** A sale in a few lines, for the terminal. */
export function describeSale(sale: SaleConfig): string[] {
  return [
    `${sale.sku}  version ${sale.version}${sale.paused ? "  PAUSED" : ""}  "${sale.title}"`,
    `  ${when(sale.startsAt)} -> ${when(sale.endsAt)}`,
    `  list price ${formatMoney(sale.listPrice)}, stock ${sale.stock}, limit ${sale.perShopperLimit} per shopper, hold ${sale.holdSeconds} s`,
    `  tiers: ${show("tiers", sale.tiers)}`,
    `  gifts: ${show("gifts", sale.gifts)}`,
    `  waiting room: ${show("waitingRoom", sale.waitingRoom)}`,
  ];
}
