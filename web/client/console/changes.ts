import type { SaleConfig } from "../../../src/sales/sale-config.ts";
import { money, when } from "./format.ts";
import { BOOKKEEPING } from "./sale-draft.ts";

/** How a kind of versioned thing (a sale, a coupon template) states its fields' changes. */
export interface ChangeWords<T> {
  /** A field's name as the marketer reads it. */
  label(key: keyof T & string): string;
  /** A field's value in the marketer's units; "–" when that version has no such field. */
  show(key: keyof T & string, version: T): string;
  created: string;
  /** The first version kept when it is not version 1 (earlier ones were written by other means). */
  oldestKept: string;
  noChange: string;
}

/**
 * What changed from one version to the next, one line per field, in the marketer's units;
 * the server's bookkeeping (version, updatedAt, updatedBy) is never a change. `before` is
 * null for the first version kept.
 */
export function changesBetween<T extends { version: number }>(words: ChangeWords<T>, before: T | null, after: T): string[] {
  if (!before) return [after.version === 1 ? words.created : words.oldestKept];
  const bookkeeping: readonly string[] = BOOKKEEPING;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key): key is keyof T & string => !bookkeeping.includes(key),
  );
  const lines = keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `${words.label(key)}: ${words.show(key, before)} → ${words.show(key, after)}`);
  return lines.length ? lines : [words.noChange];
}

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
  memberPrices: "member prices",
};

/**
 * A sale's field in the marketer's units: yuan, local time, tiers and gifts spelled out.
 * "–" when that version has no such field (an audit entry written before the field existed).
 */
function show(key: keyof SaleConfig, sale: SaleConfig): string {
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
    case "memberPrices":
      return sale.memberPrices ? "on" : "off";
    case "presale":
      return sale.presale
        ? `deposit ${money(sale.presale.depositPerUnit)} worth ${money(sale.presale.depositWorthPerUnit)}, deposits ${when(sale.presale.depositStartsAt)} – ${when(sale.presale.depositEndsAt)}, balance ${when(sale.presale.balanceStartsAt)} – ${when(sale.presale.balanceEndsAt)}, forfeit: ${sale.presale.forfeit}`
        : "none";
    default:
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

const SALE_CHANGES: ChangeWords<SaleConfig> = {
  label: (key) => LABELS[key as Written] ?? key,
  show,
  created: "created",
  oldestKept: "the oldest version kept (earlier ones were written to KV by other means)",
  noChange: "no change",
};

/** What changed from one version of a sale to the next. */
export const changes = (before: SaleConfig | null, after: SaleConfig): string[] => changesBetween(SALE_CHANGES, before, after);
