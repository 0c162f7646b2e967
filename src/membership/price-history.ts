import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { skuPrices } from "../db/schema.ts";
import type { PriceDrop } from "./price-protection.ts";

/** A transaction or the database. */
type Executor = Pick<Database, "execute">;

/**
 * Records the price a SKU sells at from `at` (issue 16), only when it differs from the last
 * price recorded for it: a sale saved without a price change, or the scan seeing the same price
 * each minute, adds nothing. One statement; the same (sku, price, at) twice is one row.
 */
export async function recordSkuPrice(
  db: Executor,
  price: { sku: string; price: number; at: number; source: "admin" | "scan" | "test" },
): Promise<{ recorded: boolean }> {
  const at = new Date(price.at).toISOString();
  const inserted = await db.execute(sql`
    insert into ${skuPrices} (sku, price, at, source)
    select ${price.sku}, ${price.price}, ${at}, ${price.source}
    where coalesce((select price from ${skuPrices} where sku = ${price.sku} and at <= ${at} order by at desc, id desc limit 1), -1) <> ${price.price}
    on conflict (sku, price, at) do nothing
    returning id`);
  return { recorded: inserted.rows.length > 0 };
}

/** The prices a SKU was sold at from `since` up to `until`, oldest first. */
export async function pricesSince(db: Executor, sku: string, since: number, until: number): Promise<PriceDrop[]> {
  const rows = await db.execute<{ price: string; at: string }>(sql`
    select price, at from ${skuPrices}
    where sku = ${sku} and at >= ${new Date(since).toISOString()} and at <= ${new Date(until).toISOString()}
    order by at, id`);
  return rows.rows.map((row) => ({ sku, price: Number(row.price), at: new Date(row.at).getTime() }));
}

/**
 * What a sale sells at now, from its snapshot: the next unit's price while it is live and not
 * paused; null otherwise (nothing is being sold, so no price to protect against).
 */
export function sellingPriceOf(snapshot: { phase: string; paused: boolean; price: { unitPrice: number | null } }): number | null {
  return snapshot.phase === "live" && !snapshot.paused ? snapshot.price.unitPrice : null;
}
