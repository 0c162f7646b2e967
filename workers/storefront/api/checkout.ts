import { z } from "@hono/zod-openapi";
import { unwrap } from "../../../src/errors.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { botCheck, turnstileTokenHeader } from "./bot-check.ts";
import { couponIdsSchema } from "./coupon-schema.ts";
import { holdCoupons, releaseCoupons } from "./coupon-holds.ts";
import { holdCheckoutPoints, settleCheckoutPoints, settleOrderPoints } from "./points-holds.ts";
import { edgeVerdict } from "./edge-verdict.ts";
import { orderResultSchema, orderSchema, presentOrder } from "./present.ts";
import { addressLimit, shopperLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { memberTermsOf } from "./member-price.ts";
import { saleDirectory, shopperObject } from "./sku-object.ts";
import { idempotencyKeyHeader, shopperWrite } from "./validation.ts";
import { queueTicketHeader, waitingRoomGate } from "./waiting-room-gate.ts";

export const checkoutBody = z
  .object({
    sku: z.string().min(1).max(64).describe("a SKU on sale; a name that cannot be a SKU answers 404"),
    qty: z
      .number()
      .int("qty must be a whole number")
      .positive("qty must be at least 1")
      .max(1000)
      .describe("units to hold; at most the sale's perShopperLimit in all"),
    coupons: couponIdsSchema.optional(),
    points: z
      .number()
      .int("points must be a whole number")
      .positive("points must be at least 1")
      .max(100_000_000)
      .optional()
      .describe(
        "points to spend (1 point = 1 fen off, after coupons, at most half of what is left: README, Points); held from the balance for this checkout",
      ),
  })
  .strict()
  .openapi("CheckoutRequest");

export const cancelBody = z
  .object({ sku: z.string().min(1).max(64) })
  .strict()
  .openapi("CancelByKeyRequest");

const tryCheckout = contractRoute({
  method: "post",
  path: "/checkout",
  tags: ["checkout"],
  summary: "Try: hold units as a pending_payment order",
  description:
    "Window, per-shopper limit, stock and price by sale rank are decided in one turn of the SKU's object. The hold lasts `holdSeconds`, then the object's alarm expires it. " +
    "Retrying with the same Idempotency-Key (same shopper, same SKU) and the same qty returns the same order, in whatever status it is now, with `Idempotent-Replayed: true`; a different qty is 422. " +
    "With `coupons`, each coupon's pool holds it for this checkout first and the order is priced with them (units at their rank's price, less the coupons; README, Coupons); any refusal gives back the holds it made. " +
    "On a sale with `memberPrices`, a member whose tier has a member price gets its percent off the units' prices first (`memberPrice`), before coupons and points; the tier is read per isolate every 30 s, and a Postgres that does not answer means the list price. " +
    "With `points`, they are held from the shopper's balance for this checkout (409 `points_insufficient` with `available`) and take 1 fen each off what is left after the coupons, at most half of it (422 `points_over_cap` with `maxPoints`); a refusal gives them back.",
  middleware: [shopperWrite, edgeVerdict, addressLimit, session, waitingRoomGate, shopperLimit, botCheck],
  request: {
    headers: idempotencyKeyHeader.extend(turnstileTokenHeader.shape).extend(queueTicketHeader.shape),
    body: { required: true, content: { "application/json": { schema: checkoutBody } } },
  },
  responses: {
    201: {
      description: "the order (new, or the one this key made)",
      headers: {
        "Idempotent-Replayed": {
          description: "`true` when this key's earlier order is returned",
          schema: { type: "string", enum: ["true"] },
        },
      },
      content: { "application/json": { schema: orderResultSchema } },
    },
  },
  errors: [
    "not_found",
    "not_started",
    "sale_paused",
    "sold_out",
    "insufficient_stock",
    "limit_exceeded",
    "checkout_cancelled",
    "ended",
    "idempotency_conflict",
    "coupon_in_use",
    "coupon_used",
    "coupon_not_applicable",
    "coupon_not_stackable",
    "coupon_unavailable",
    "coupon_expired",
    "points_insufficient",
    "points_unavailable",
    "points_over_cap",
    "dependency_unavailable",
  ],
});

const cancelByKey = contractRoute({
  method: "post",
  path: "/checkout/cancel",
  tags: ["checkout"],
  summary: "Cancel by Idempotency-Key, also before the Try arrived",
  description:
    "For a client that never saw its Try answer. If the key made an order, that order is cancelled; if not, the key is marked cancelled so a late Try with it takes nothing (409 `checkout_cancelled`).",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    headers: idempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: cancelBody } } },
  },
  responses: {
    200: {
      description: "cancelled; `changed` is false when it already was",
      content: {
        "application/json": {
          schema: z
            .object({
              order: orderSchema.nullable().describe("null when the Try had not arrived: the key is now cancelled"),
              cancelled: z.literal(true),
              changed: z.boolean(),
            })
            .openapi("CancelByKeyResult"),
        },
      },
    },
  },
  errors: ["not_found", "order_paid"],
});

/**
 * The Try step and its cancel-by-key. The SKU's object decides everything in one turn:
 * window, per-shopper limit, stock, price by sale rank. A retried key returns its order.
 */
export const checkout = contractApp()
  .openapi(tryCheckout, async (c) => {
    const key = c.req.valid("header")["Idempotency-Key"];
    const { sku, qty, coupons = [], points } = c.req.valid("json");
    const shopperId = c.get("shopperId");
    const object = await shopperObject(c.env, sku, shopperId);
    // Member prices only for a sale that opts in (what shopperObject just learnt of it): any
    // other checkout makes no call for them. The read fails open to the list price.
    const sale = saleDirectory.peek(sku);
    const member = sale?.kind === "sale" && sale.memberPrices ? memberTermsOf(c.env, shopperId) : null;
    const checkout = { shopperId, sku, idempotencyKey: key };
    const held = await holdCoupons(c.env, checkout, coupons);
    // Points only when asked for: a checkout without them makes no call for them.
    const heldPoints = points ? await holdCheckoutPoints(c.env, checkout, points).catch(givingBack(c.env, checkout, held.fresh)) : null;
    const tried = await object.tryCheckout({
      shopperId,
      idempotencyKey: key,
      qty,
      coupons: held.terms,
      points: heldPoints?.terms ?? null,
      member: await member,
    });
    // A refusal took nothing: the coupons and points it held go back (a hold this Try did not make may be an order's).
    if (!tried.ok) {
      await releaseCoupons(c.env, checkout, held.fresh);
      if (heldPoints?.fresh) await settleCheckoutPoints(c.env, heldPoints.terms.holdKey, { kind: "returned" });
    }
    const { order, replayed } = unwrap(tried);
    if (replayed) c.header("Idempotent-Replayed", "true");
    return c.json({ order: presentOrder(order) }, 201);
  })
  .openapi(cancelByKey, async (c) => {
    const key = c.req.valid("header")["Idempotency-Key"];
    const { sku } = c.req.valid("json");
    const object = await shopperObject(c.env, sku, c.get("shopperId"));
    const { order, changed } = unwrap(await object.cancelByKey(c.get("shopperId"), key));
    // Its points go back with it (the points job would, later).
    if (changed && order) await settleOrderPoints(c.env, order);
    return c.json({ order: order ? presentOrder(order) : null, cancelled: true as const, changed }, 200);
  });

/** A refused points hold gives back the coupons this Try held, then refuses the Try. */
function givingBack(env: Env, checkout: { shopperId: string; sku: string; idempotencyKey: string }, coupons: string[]) {
  return async (error: unknown): Promise<never> => {
    await releaseCoupons(env, checkout, coupons);
    throw error;
  };
}
