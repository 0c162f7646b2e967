import { Hono } from "hono";
import { z } from "zod";
import { AppError, unwrap } from "../../../src/errors.ts";
import { LOCAL_PAYMENT_METHODS, paymentProvider } from "../../../src/payments/index.ts";
import type { AppEnv } from "../app-env.ts";
import { presentOrder } from "./present.ts";
import { session } from "./session.ts";
import { orderObject } from "./sku-object.ts";
import { jsonBody } from "./validation.ts";

const payBody = z.object({ paymentMethod: z.string().min(1).max(64).default(LOCAL_PAYMENT_METHODS.approve) }).strict();

/**
 * A shopper's own orders: read, Confirm (pay) and Cancel. Confirm charges first and marks
 * the order paid after; if the hold ran out in between, the charge is refunded, so money
 * and units never part ways.
 */
export const orders = new Hono<AppEnv>()
  .use(session)
  .get("/orders/:id", async (c) => {
    const order = unwrap(await orderObject(c.env, c.req.param("id")).getOrder(c.req.param("id"), c.get("shopperId")));
    return c.json({ order: presentOrder(order) });
  })
  .post("/orders/:id/pay", jsonBody(payBody), async (c) => {
    const id = c.req.param("id");
    const shopperId = c.get("shopperId");
    const object = orderObject(c.env, id);
    const order = unwrap(await object.getOrder(id, shopperId));
    if (order.status === "paid") return c.json({ order: presentOrder(order), changed: false });
    if (order.status !== "pending_payment") {
      throw new AppError("order_not_payable", `the order is ${order.status}`, { status: order.status });
    }
    const provider = paymentProvider(c.env.PAYMENT_PROVIDER);
    const charge = await provider
      .charge({ orderId: id, amount: order.totalAmount, currency: order.currency, paymentMethod: c.req.valid("json").paymentMethod })
      .catch((error: Error) => {
        throw new AppError("dependency_unavailable", `the payment provider did not answer: ${error.message}`);
      });
    if (!charge.ok) throw new AppError("payment_declined", charge.reason);
    const confirmed = await object.confirm(id, shopperId, charge.reference);
    try {
      const { order: paid, changed } = unwrap(confirmed);
      return c.json({ order: presentOrder(paid), changed });
    } catch (refused) {
      await provider.refund(charge.reference, (refused as Error).message);
      throw refused;
    }
  })
  .post("/orders/:id/cancel", async (c) => {
    const id = c.req.param("id");
    const { order, changed } = unwrap(await orderObject(c.env, id).cancel(id, c.get("shopperId")));
    return c.json({ order: presentOrder(order), changed });
  });
