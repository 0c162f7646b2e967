import { AppError } from "../../../src/errors.ts";
import { skuOfOrderId } from "../../../src/orders/order.ts";
import { saleConfigSchema } from "../../../src/sales/sale-config.ts";

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
