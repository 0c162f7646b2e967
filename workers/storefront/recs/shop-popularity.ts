import { sql } from "drizzle-orm";
import type { Database } from "../../../src/db/client.ts";

/**
 * The shop's own popularity (issue 18, part E), for when no model is active: the SKUs on sale
 * by their paid orders, then add-to-carts, then product views of the last POPULAR_DAYS days
 * (`events_sku_at`: one index range per SKU on sale). Kept per isolate for POPULAR_TTL_MS.
 */
export const POPULAR_DAYS = 7;
export const POPULAR_TTL_MS = 60_000;

let cache: { key: string; at: number; skus: string[] } | null = null;

export async function shopPopularity(db: Pick<Database, "execute">, onSale: readonly string[], now: number): Promise<string[]> {
  if (onSale.length === 0) return [];
  const key = [...onSale].sort().join(",");
  if (cache && cache.key === key && now - cache.at < POPULAR_TTL_MS) return cache.skus;
  const since = new Date(now - POPULAR_DAYS * 86_400_000).toISOString();
  const result = await db.execute(sql`
    select sku,
           count(*) filter (where type = 'order_paid')::int as paid,
           count(*) filter (where type = 'add_to_cart')::int as carts,
           count(*) filter (where type = 'product_view')::int as views
    from events
    where sku in (${sql.join(
      onSale.map((sku) => sql`${sku}`),
      sql`, `,
    )})
      and type in ('order_paid', 'add_to_cart', 'product_view') and at > ${since}::timestamptz
    group by sku`);
  const rows = result.rows as Array<{ sku: string; paid: number; carts: number; views: number }>;
  const skus = rows
    .sort((a, b) => b.paid - a.paid || b.carts - a.carts || b.views - a.views || a.sku.localeCompare(b.sku))
    .map((row) => row.sku);
  cache = { key, at: now, skus };
  return skus;
}
