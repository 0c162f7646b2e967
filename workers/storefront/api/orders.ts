import { Hono } from "hono";
import { z } from "zod";
import { AppError, unwrap } from "../../../src/errors.ts";
import { LOCAL_PAYMENT_METHODS, paymentProvider } from "../../../src/payments/index.ts";
import type { AppEnv } from "../app-env.ts";
import { presentOrder } from "./present.ts";
import { session } from "./session.ts";
import { orderObject } from "./sku-object.ts";
import { jsonBody, shopperWrite } from "./validation.ts";

export const payBody = z
  .object({
    paymentMethod: z
      .string()
      .min(1)
      .max(64)
      .default(LOCAL_PAYMENT_METHODS.approve)
      .describe(`with PAYMENT_PROVIDER=local: ${Object.values(LOCAL_PAYMENT_METHODS).join(", ")}`),
  })
  .strict();

/**
 * A shopper's own orders: read, Confirm (pay) and Cancel. Confirm charges first and marks
 * the order paid after; if the hold ran out in between, the charge is refunded, so money
 * and units never part ways.
 */
export const orders = new Hono<AppEnv>()
  .get("/orders/:id", session, async (c) => {
    const order = await ownOrder(c.env, c.req.param("id"), c.get("shopperId"));
    return c.json({ order: presentOrder(order) });
  })
  .post("/orders/:id/pay", shopperWrite, session, jsonBody(payBody), async (c) => {
    const id = c.req.param("id");
    const shopperId = c.get("shopperId");
    const object = orderObject(c.env, id);
    const order = await ownOrder(c.env, id, shopperId);
    if (order.status === "paid") return c.json({ order: presentOrder(order), changed: false });
    if (order.status !== "pending_payment") {
      throw new AppError("order_not_payable", `the order is ${order.status}`, { status: order.status });
    }
    const provider = paymentProvider(c.env.PAYMENT_PROVIDER);
    const charge = await provider
      .charge({ orderId: id, amount: order.totalAmount, currency: order.currency, paymentMethod: c.req.valid("json").paymentMethod })
      .catch((error: Error) => {
        if (error instanceof AppError) throw error;
        throw new AppError("dependency_unavailable", `the payment provider did not answer: ${error.message}`);
      });
    if (!charge.ok) throw new AppError("payment_declined", charge.reason);
    const confirmed = await object.confirm(id, shopperId, charge.reference);
    try {
      const { order: paid, changed } = unwrap(confirmed);
      return c.json({ order: presentOrder(paid), changed });
    } catch (refused) {
      // The refusal is what the shopper must hear; a failed refund is logged for follow-up.
      await provider.refund(charge.reference, (refused as Error).message).catch((error: Error) => {
        console.error(`refund of ${charge.reference} for ${id} failed: ${error.message}`);
      });
      throw refused;
    }
  })
  .post("/orders/:id/cancel", shopperWrite, session, async (c) => {
    const id = c.req.param("id");
    const { order, changed } = unwrap(await orderObject(c.env, id).cancel(id, c.get("shopperId")));
    return c.json({ order: presentOrder(order), changed });
  });

/** The shopper's order; an order of another shopper, or of no sale at all, is simply not found. */
async function ownOrder(env: Env, id: string, shopperId: string) {
  const found = await orderObject(env, id).getOrder(id, shopperId);
  if (!found.ok && found.error.code === "not_found") throw new AppError("not_found", `no order ${id}`);
  return unwrap(found);
}
