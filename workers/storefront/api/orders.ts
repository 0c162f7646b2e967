import { z } from "@hono/zod-openapi";
import { AppError, unwrap } from "../../../src/errors.ts";
import { emitAfterAnswer } from "./event-queue.ts";
import { requestDevice } from "./request-device.ts";
import { LOCAL_PAYMENT_METHODS, paymentProvider } from "../../../src/payments/index.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { orderResultSchema, orderSchema, presentOrder } from "./present.ts";
import { addressLimit, sessionLimit, shopperLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { orderObject } from "./sku-object.ts";
import { recordCouponRedeemed, recordPayment } from "../metrics/recorder.ts";
import { couponIdsSchema } from "./coupon-schema.ts";
import { holdCoupons, releaseCoupons, spendCoupons } from "./coupon-holds.ts";
import { holdCheckoutPoints, settleCheckoutPoints, settleOrderPoints } from "./points-holds.ts";
import { orderParams } from "./order-param.ts";
import { chargeKey } from "../../../src/presale/presale-state.ts";
import { idempotencyKeyHeader, shopperWrite } from "./validation.ts";

export const payBody = z
  .object({
    paymentMethod: z
      .string()
      .min(1)
      .max(64)
      .default(LOCAL_PAYMENT_METHODS.approve)
      .describe(`with PAYMENT_PROVIDER=local: ${Object.values(LOCAL_PAYMENT_METHODS).join(", ")}`),
    invoice: z
      .enum(["paper", "electronic"])
      .default("paper")
      .describe("the invoice (fapiao) wanted: electronic earns the order double points (issue 16); absent: paper"),
    line: z
      .enum(["deposit", "balance"])
      .optional()
      .describe(
        "a presale order (issue 19): the payment this request makes. A retry of a line already paid answers 200 with `changed: false`, and `balance` before the deposit is 409 `order_not_payable`; absent: whichever is due",
      ),
  })
  .strict()
  .openapi("PayRequest");

const orderChange = z
  .object({ order: orderSchema, changed: z.boolean().describe("false when the call repeated one already done") })
  .openapi("OrderChange");

/** Nothing to say: `{}` or no body, still sent as JSON (shopperWrite). */
const emptyBody = { required: false, content: { "application/json": { schema: z.unknown().describe("nothing: send `{}` or no body") } } };

const getOrder = contractRoute({
  method: "get",
  path: "/orders/{id}",
  tags: ["orders"],
  summary: "Read one of the shopper's orders",
  middleware: [sessionLimit, session],
  request: { params: orderParams },
  responses: { 200: { description: "the order", content: { "application/json": { schema: orderResultSchema } } } },
  errors: ["not_found"],
});

const payOrder = contractRoute({
  method: "post",
  path: "/orders/{id}/pay",
  tags: ["orders"],
  summary: "Confirm: charge, then mark the order paid",
  description:
    "Charges through PAYMENT_PROVIDER, then confirms. If the hold ran out in between, the charge is refunded and the answer is 409. Paying a paid order is a no-op (`changed: false`). The body is optional. " +
    "A presale order (issue 19) is paid twice: first its deposit (charged under `<id>:deposit`; the order becomes `deposit_paid`), then in the balance window its balance (under `<id>:balance`; `paid`). Before the balance window: 409 `balance_not_open` with `opensAt`, nothing charged; after it: 409 `order_not_payable` (`forfeited`).",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: { params: orderParams, body: { required: false, content: { "application/json": { schema: payBody } } } },
  responses: { 200: { description: "paid", content: { "application/json": { schema: orderChange } } } },
  errors: ["invalid_request", "payment_declined", "not_found", "order_not_payable", "balance_not_open", "dependency_unavailable"],
});

const applyCoupons = contractRoute({
  method: "post",
  path: "/orders/{id}/coupons",
  tags: ["orders", "coupons"],
  summary: "Choose the coupons of an unpaid order: it is priced again with them",
  description:
    "The order page's choice among the shopper's valid coupons. Each newly named coupon is held for the order in its pool; the order is priced again (units at their rank's price, less the coupons); coupons it no longer names go back. `[]` removes them all. Refused, nothing changes: the holds this call made go back.",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    params: orderParams,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ coupons: couponIdsSchema }).strict().openapi("ApplyCouponsRequest") } },
    },
  },
  responses: { 200: { description: "priced again", content: { "application/json": { schema: orderChange } } } },
  errors: [
    "not_found",
    "order_not_payable",
    "coupon_in_use",
    "coupon_used",
    "coupon_not_applicable",
    "coupon_not_stackable",
    "coupon_unavailable",
    "coupon_expired",
  ],
});

const applyPoints = contractRoute({
  method: "post",
  path: "/orders/{id}/points",
  tags: ["orders", "points"],
  summary: "Choose the points an unpaid order uses: it is priced again with them",
  description:
    "The order page's \"use points\". The points are held from the shopper's balance for this request (its Idempotency-Key: a retry holds once) and take 1 fen each off what is left after the coupons, at most half of it (422 `points_over_cap`, `maxPoints`); the points the order held before go back. `0` uses none. Refused, nothing changes: the hold this call made goes back.",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    params: orderParams,
    headers: idempotencyKeyHeader,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              points: z.number().int("points must be a whole number").min(0, "points must be 0 or more").max(100_000_000),
            })
            .strict()
            .openapi("ApplyPointsRequest"),
        },
      },
    },
  },
  responses: { 200: { description: "priced again", content: { "application/json": { schema: orderChange } } } },
  errors: [
    "not_found",
    "order_not_payable",
    "points_insufficient",
    "points_unavailable",
    "points_over_cap",
    "idempotency_conflict",
    "dependency_unavailable",
  ],
});

const cancelOrder = contractRoute({
  method: "post",
  path: "/orders/{id}/cancel",
  tags: ["orders"],
  summary: "Cancel: release the order's units",
  description: "Cancelling a cancelled or expired order is a no-op (`changed: false`); a paid order is refused.",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: { params: orderParams, body: emptyBody },
  responses: { 200: { description: "cancelled", content: { "application/json": { schema: orderChange } } } },
  errors: ["not_found", "order_paid"],
});

/**
 * A shopper's own orders: read, Confirm (pay) and Cancel. Confirm charges first and marks
 * the order paid after; if the hold ran out in between, the charge is refunded, so money
 * and units never part ways.
 */
export const orders = contractApp()
  .openapi(getOrder, async (c) => {
    const order = await ownOrder(c.env, c.req.valid("param").id, c.get("shopperId"));
    return c.json({ order: presentOrder(order) }, 200);
  })
  .openapi(payOrder, async (c) => {
    const { id } = c.req.valid("param");
    const shopperId = c.get("shopperId");
    const object = await orderObject(c.env, id);
    const found = await ownOrder(c.env, id, shopperId);
    const line = c.req.valid("json").line;
    if (found.presale && line) {
      // A retried deposit whose answer was lost must not be taken for the balance's payment.
      if (line === "deposit" && found.presale.depositPaidAt !== null) return c.json({ order: presentOrder(found), changed: false }, 200);
      if (line === "balance" && found.status === "pending_payment") {
        throw new AppError("order_not_payable", "the deposit is not paid yet: pay it first", { status: "deposit_pending" });
      }
    }
    // A presale order owes its deposit or its balance, as its object's clock says (409 before the window: nothing charged).
    const { order, due } = found.presale ? unwrap(await object.presaleDue(id, shopperId)) : { order: found, due: null };
    if (order.status === "paid") return c.json({ order: presentOrder(order), changed: false }, 200);
    if (!due && order.status !== "pending_payment") {
      throw new AppError("order_not_payable", `the order is ${order.status}`, { status: order.status });
    }
    const kind = due?.kind ?? "full";
    const amount = due?.amount ?? order.totalAmount;
    const provider = unavailableCounted(() => paymentProvider(c.env.PAYMENT_PROVIDER));
    const charge = await provider
      .charge({ orderId: chargeKey(id, kind), amount, currency: order.currency, paymentMethod: c.req.valid("json").paymentMethod })
      .catch((error: Error) => {
        if (error instanceof AppError) throw error;
        recordPayment("failed");
        throw new AppError("dependency_unavailable", `the payment provider did not answer: ${error.message}`);
      });
    if (!charge.ok) {
      recordPayment("failed");
      emitAfterAnswer(c, {
        id: `${id}:declined:${crypto.randomUUID()}`,
        type: "payment_failed",
        shopperId,
        at: Date.now(),
        device: requestDevice(c),
        sku: order.sku,
        orderId: id,
        amount,
        reason: charge.reason.slice(0, 64),
      });
      throw new AppError("payment_declined", charge.reason);
    }
    const confirmed = await object.confirm(id, shopperId, charge.reference, c.req.valid("json").invoice, kind);
    try {
      const { order: paid, changed } = unwrap(confirmed);
      recordPayment("succeeded");
      // The order's points are spent, once (the settling job does it if this does not).
      await settleOrderPoints(c.env, paid);
      if (paid.discounts.length > 0) {
        const checkout = { shopperId, sku: paid.sku, idempotencyKey: paid.idempotencyKey };
        for (const couponId of await spendCoupons(c.env, checkout, id, paid.discounts)) {
          recordCouponRedeemed();
          emitAfterAnswer(c, {
            id: `${couponId}:redeemed`,
            type: "coupon_redeemed",
            shopperId,
            at: Date.now(),
            device: requestDevice(c),
            sku: paid.sku,
            couponId,
            orderId: id,
          });
        }
      }
      return c.json({ order: presentOrder(paid), changed }, 200);
    } catch (refused) {
      // Charged, then refunded: the hold ran out in between. The shopper's payment did not go through.
      recordPayment("failed");
      // The refusal is what the shopper must hear; a failed refund is logged for follow-up.
      await provider.refund(charge.reference, (refused as Error).message).catch((error: Error) => {
        console.error(`refund of ${charge.reference} for ${id} failed: ${redactSecrets(error.message)}`);
      });
      throw refused;
    }
  })
  .openapi(applyCoupons, async (c) => {
    const { id } = c.req.valid("param");
    const shopperId = c.get("shopperId");
    const order = await ownOrder(c.env, id, shopperId);
    const checkout = { shopperId, sku: order.sku, idempotencyKey: order.idempotencyKey };
    const held = await holdCoupons(c.env, checkout, c.req.valid("json").coupons);
    const applied = await (await orderObject(c.env, id)).applyCoupons(id, shopperId, held.terms);
    if (!applied.ok) await releaseCoupons(c.env, checkout, held.fresh);
    const { order: priced, changed, dropped } = unwrap(applied);
    await releaseCoupons(c.env, checkout, dropped);
    return c.json({ order: presentOrder(priced), changed }, 200);
  })
  .openapi(applyPoints, async (c) => {
    const { id } = c.req.valid("param");
    const shopperId = c.get("shopperId");
    const order = await ownOrder(c.env, id, shopperId);
    const { points } = c.req.valid("json");
    const checkout = { shopperId, sku: order.sku, idempotencyKey: order.idempotencyKey };
    const held =
      points > 0
        ? await holdCheckoutPoints(c.env, checkout, points, {
            requestKey: c.req.valid("header")["Idempotency-Key"],
            replacing: order.points?.holdKey ?? null,
          })
        : null;
    const applied = await (await orderObject(c.env, id)).applyPoints(id, shopperId, held?.terms ?? null);
    if (!applied.ok && held?.fresh) await settleCheckoutPoints(c.env, held.terms.holdKey, { kind: "returned" });
    const { order: priced, changed, dropped } = unwrap(applied);
    if (dropped) await settleCheckoutPoints(c.env, dropped, { kind: "returned", orderId: id });
    return c.json({ order: presentOrder(priced), changed }, 200);
  })
  .openapi(cancelOrder, async (c) => {
    const { id } = c.req.valid("param");
    const shopperId = c.get("shopperId");
    const object = await orderObject(c.env, id);
    const { order, changed } = unwrap(await object.cancel(id, shopperId));
    // Its points go back too (the settling job would, later).
    if (changed) await settleOrderPoints(c.env, order);
    // The order's coupons go back with its units (its pool would settle them anyway, later).
    if (changed && order.discounts.length > 0) {
      const checkout = { shopperId, sku: order.sku, idempotencyKey: order.idempotencyKey };
      await releaseCoupons(
        c.env,
        checkout,
        order.discounts.map((d) => d.couponId),
      );
    }
    return c.json({ order: presentOrder(order), changed }, 200);
  });

/**
 * The payment provider, a configured one missing counted as a failed payment: the shopper
 * could not pay (metrics/recorder.ts, recordPayment).
 */
function unavailableCounted<T>(provider: () => T): T {
  try {
    return provider();
  } catch (error) {
    if (error instanceof AppError && error.code === "dependency_unavailable") recordPayment("failed");
    throw error;
  }
}

/** The shopper's order; an order of another shopper, or of no sale at all, is simply not found. */
async function ownOrder(env: Env, id: string, shopperId: string) {
  const found = await (await orderObject(env, id)).getOrder(id, shopperId);
  if (!found.ok && found.error.code === "not_found") throw new AppError("not_found", `no order ${id}`);
  return unwrap(found);
}
