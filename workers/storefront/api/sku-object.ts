import { AppError } from "../../../src/errors.ts";
import { skuOfOrderId } from "../../../src/orders/order.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { saleConfigSchema, type SaleConfig } from "../../../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";

const skuSchema = saleConfigSchema.shape.sku;

/** The SKU's Durable Object. A name that cannot be a SKU is a 404 without waking any object. */
export function skuObject(env: Env, sku: string) {
  if (!skuSchema.safeParse(sku).success) throw new AppError("not_found", `no sale for SKU "${sku}"`);
  return env.SKU_SALE.getByName(sku);
}

/** The object holding an order: its id names the SKU. */
export function orderObject(env: Env, orderId: string) {
  const sku = skuOfOrderId(orderId);
  if (!sku) throw new AppError("not_found", `no order ${orderId}`);
  return env.SKU_SALE.getByName(sku);
}

/** Every sale not yet ended, with its object's live snapshot (sales whose object refuses are left out). */
export async function currentSales(env: Env): Promise<Array<{ sale: SaleConfig; snapshot: SkuSnapshot }>> {
  const now = Date.now();
  const configured = (await new SaleCatalog(env.SALES).list()).filter((sale) => sale.endsAt > now);
  const snapshots = await Promise.all(configured.map((sale) => skuObject(env, sale.sku).snapshot()));
  return configured.flatMap((sale, i) => {
    const snapshot = snapshots[i];
    return snapshot?.ok ? [{ sale, snapshot: snapshot.value }] : [];
  });
}
