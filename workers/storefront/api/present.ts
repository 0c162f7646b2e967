import { z } from "@hono/zod-openapi";
import type { Order } from "../../../src/orders/order.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";

export const orderStatusSchema = z.enum(["pending_payment", "deposit_paid", "paid", "cancelled", "expired", "forfeited"]);

/** An order as the API shows its shopper: the component `Order` of the contracts. */
export const orderSchema = z
  .object({
    id: z.string().describe("ord_<sku>_<random>: the id names its SKU"),
    sku: z.string(),
    qty: int.positive(),
    unitPrices: z.array(minorUnits).describe("each unit's price, in sale-rank order"),
    subtotalAmount: minorUnits.describe("the units' prices added up, before the member price and coupons"),
    memberPrice: z
      .object({
        tier: z.string(),
        percentOff: int.describe("the tier's memberPricePercentOff"),
        amount: minorUnits.describe("fen off the subtotal, rounded down; taken before the coupons"),
      })
      .nullable()
      .describe("the member price, on a sale with memberPrices for a shopper whose tier has one; null for none"),
    discounts: z
      .array(
        z.object({
          couponId: z.string(),
          templateId: z.string(),
          title: z.string(),
          amount: minorUnits.describe("fen this coupon takes off"),
        }),
      )
      .describe("the coupons the order carries (held while unpaid, spent once paid, given back when cancelled or expired)"),
    pointsUsed: minorUnits.describe(
      "points taking 1 fen each off after the coupons (held while unpaid, spent once paid, given back when cancelled or expired); 0 for none",
    ),
    totalAmount: minorUnits.describe(
      "what the shopper pays: subtotalAmount less the memberPrice, the discounts and pointsUsed, never below 0",
    ),
    currency: z.literal("CNY"),
    tier: z.string().nullable().describe("the price tier of the order's first unit, if it was in one"),
    status: orderStatusSchema,
    createdAt: epochMs,
    updatedAt: epochMs,
    expiresAt: epochMs.nullable().describe("when an unpaid hold is released; null once paid, cancelled or expired"),
    paymentRef: z.string().nullable().describe("the payment provider's reference once paid"),
    gift: z
      .object({ id: z.string(), title: z.string() })
      .nullable()
      .describe("the limited-time gift that goes with the order, fixed when it was placed; a cancelled or expired order gives it back"),
    invoiceKind: z
      .enum(["paper", "electronic"])
      .nullable()
      .describe("the invoice (fapiao) chosen when paying; electronic earns double points. Null until paid"),
  })
  .openapi("Order", { description: "A checkout as its shopper sees it: the TCC record, priced by sale rank" });

/** `{ order }`: what reading an order and a Try answer. */
export const orderResultSchema = z.object({ order: orderSchema }).openapi("OrderResult");

/** An order as the API shows it to its shopper; typed by the schema, so the two cannot part. */
export function presentOrder(order: Order): z.output<typeof orderSchema> {
  return {
    id: order.id,
    sku: order.sku,
    qty: order.qty,
    unitPrices: order.unitPrices,
    subtotalAmount: order.unitPrices.reduce((sum, price) => sum + price, 0),
    memberPrice: order.memberPrice ?? null,
    discounts: order.discounts,
    pointsUsed: order.points?.used ?? 0,
    totalAmount: order.totalAmount,
    currency: order.currency,
    tier: order.tier,
    status: order.status,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    expiresAt: order.expiresAt,
    paymentRef: order.paymentRef,
    gift: order.gift,
    invoiceKind: order.invoiceKind,
  };
}
