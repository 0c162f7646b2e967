import type { SaleConfig } from "../../../src/sales/sale-config.ts";
import { money, when } from "./format.ts";
import { BOOKKEEPING } from "./sale-draft.ts";

type Written = Exclude<keyof SaleConfig, (typeof BOOKKEEPING)[number]>;

const LABELS: Partial<Record<Written, string>> = {
  listPrice: "list price",
  stock: "stock",
  startsAt: "start",
  endsAt: "end",
  perShopperLimit: "limit per shopper",
  holdSeconds: "hold (s)",
  shards: "shards",
  waitingRoom: "waiting room",
};

/**
 * A field's value in the marketer's units: yuan, local time, tiers and gifts spelled out.
 * "–" when that version has no such field (an audit entry written before the field existed).
 */
function show(key: Written, sale: SaleConfig): string {
  const value: unknown = sale[key];
  if (value === undefined) return "–";
  switch (key) {
    case "listPrice":
      return money(sale.listPrice);
    case "startsAt":
    case "endsAt":
      return when(sale[key]);
    case "tiers":
      return sale.tiers.length ? sale.tiers.map((t) => `${t.fromRank}–${t.toRank} at ${money(t.unitPrice)}`).join(", ") : "none";
    case "gifts":
      return sale.gifts.length
        ? sale.gifts.map((g) => `${g.title} ×${g.stock} (${when(g.startsAt)} – ${when(g.endsAt)})`).join(", ")
        : "none";
    case "waitingRoom":
      return sale.waitingRoom ? `${sale.waitingRoom.admitPerSecond}/s, tickets for ${sale.waitingRoom.ticketTtlSeconds} s` : "off";
    default:
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

/**
 * What changed from one version to the next, one line per field, in the marketer's units.
 * `before` is null for the first version kept.
 */
export function changes(before: SaleConfig | null, after: SaleConfig): string[] {
  if (!before) return [after.version === 1 ? "created" : "the oldest version kept (earlier ones were written to KV by other means)"];
  const bookkeeping: readonly string[] = BOOKKEEPING;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key): key is Written => !bookkeeping.includes(key));
  const lines = keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `${LABELS[key] ?? key}: ${show(key, before)} → ${show(key, after)}`);
  return lines.length ? lines : ["no change"];
}
