import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { recordSkuPrice, sellingPriceOf } from "../../../src/membership/price-history.ts";
import { ordersToProtect } from "../../../src/membership/protected-orders.ts";
import { TierCatalog } from "../../../src/membership/tier-catalog.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import type { ScheduledJob } from "../scheduled-job.ts";
import { claimPriceProtection } from "./price-credit.ts";
import { skuObject } from "./sku-object.ts";

/** Orders the scan weighs in one minute at most: the rest are found again the next minute. */
export const SCAN_BATCH = 200;

/**
 * The automatic price-protection scan (issue 16), every minute: first each live sale's selling
 * price is read from its SKU object and recorded when it changed (a price tier reached, or a
 * change KV got some other way than the admin API); then the paid orders a lower price may owe
 * (one set-based query, src/membership/protected-orders.ts) are each weighed and credited, as a
 * shopper's claim would be, so the two meeting on one drop pay once.
 */
export async function scanPriceProtection(
  env: Env,
  at: number,
): Promise<{ prices: number; orders: number; credited: number; amount: number }> {
  const sales = (await new SaleCatalog(env.SALES).list()).filter((sale) => sale.startsAt <= at && at < sale.endsAt && !sale.paused);
  const snapshots = await Promise.all(
    sales.map((sale) =>
      skuObject(env, sale.sku)
        .snapshot()
        .catch(() => null),
    ),
  );
  const { timeZone } = await new TierCatalog(env.SALES).current();
  const { prices, orders } = await withDatabase(databaseSettings(env), async (db) => {
    let recorded = 0;
    for (const answer of snapshots) {
      const price = answer?.ok ? sellingPriceOf(answer.value) : null;
      if (answer?.ok && price !== null && (await recordSkuPrice(db, { sku: answer.value.sku, price, at, source: "scan" })).recorded)
        recorded++;
    }
    return { prices: recorded, orders: await ordersToProtect(db, at, timeZone, SCAN_BATCH) };
  });
  let credited = 0;
  let amount = 0;
  for (const orderId of orders) {
    try {
      const outcome = await claimPriceProtection(env, orderId, { source: "scan", at, timeZone });
      credited += outcome.credits.length;
      amount += outcome.credits.reduce((sum, credit) => sum + credit.amount, 0);
    } catch (error) {
      console.error(`price protection: order ${orderId} not credited (${redactSecrets(String(error))}); the next scan tries again`);
    }
  }
  return { prices, orders: orders.length, credited, amount };
}

export const PRICE_PROTECTION_JOB: ScheduledJob = {
  name: "price-protection",
  async run(env, at) {
    await scanPriceProtection(env, at);
  },
};
