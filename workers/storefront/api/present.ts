import { z } from "@hono/zod-openapi";
import type { Order } from "../../../src/orders/order.ts";
import { presaleState } from "../../../src/presale/presale-state.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";

/** A presale order's line as its shopper sees it: the money, both deadlines, and where it stands now. */
export const presaleLineSchema = z
  .object({
    deposit: minorUnits.describe("qty × the deposit per unit, fen: paid first"),
    depositWorth: minorUnits.describe("what the deposit takes off the price (worth more than it: 膨胀金), fen"),
    balance: minorUnits.describe("the units' prices less depositWorth, fen: paid in the balance window"),
    balanceOpensAt: epochMs,
    balanceClosesAt: epochMs.describe("unpaid by then, the order is forfeited: its units go back on sale"),
    forfeit: z.enum(["keep", "refund"]).describe("what a forfeited order's deposit becomes"),
    depositPaidAt: epochMs.nullable(),
    depositRef: z.string().nullable(),
    balancePaidAt: epochMs.nullable(),
    state: z
      .enum(["deposit_pending", "deposit_paid", "balance_due", "paid", "forfeited", "cancelled", "expired"])
      .describe("where it stands at the server's time: deposit_paid and balance_due are one stored status told apart by the clock"),
    depositDueBy: epochMs.nullable().describe("while the deposit is unpaid: when its hold runs out"),
    balanceDueBy: epochMs.describe("when the balance window closes (= balanceClosesAt)"),
  })
  .openapi("PresaleLine");

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
    presale: presaleLineSchema.nullable().describe("a presale order's deposit and balance (issue 19); null for an ordinary order"),
  })
  .openapi("Order", { description: "A checkout as its shopper sees it: the TCC record, priced by sale rank" });

/** `{ order }`: what reading an order and a Try answer. */
export const orderResultSchema = z.object({ order: orderSchema }).openapi("OrderResult");

/** An order as the API shows it to its shopper; typed by the schema, so the two cannot part. */
export function presentOrder(order: Order, now: number = Date.now()): z.output<typeof orderSchema> {
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
    presale: order.presale
      ? {
          ...order.presale,
          state: presaleState(order, now),
          depositDueBy: order.status === "pending_payment" ? order.expiresAt : null,
          balanceDueBy: order.presale.balanceClosesAt,
        }
      : null,
  };
}
