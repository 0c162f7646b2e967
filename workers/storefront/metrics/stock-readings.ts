import { redactSecrets } from "../../../src/redact.ts";
import { currentSales } from "../api/sku-object.ts";

/**
 * Units left per SKU of every sale not yet ended, from each SKU's object as it is now (its
 * snapshot: a sharded sale's primary sums its shards). Read when asked, by a scrape or the
 * dashboard, never recorded per request. Unreadable (KV or an object down): no readings, and
 * a log line; the rest of the figures are still served.
 */
export async function readStock(env: Env): Promise<Record<string, number>> {
  try {
    const sales = await currentSales(env);
    return Object.fromEntries(sales.map(({ sale, snapshot }) => [sale.sku, snapshot.stock.remaining]));
  } catch (error) {
    console.error(`metrics: stock not read (${redactSecrets(error instanceof Error ? error.message : String(error))})`);
    return {};
  }
}
