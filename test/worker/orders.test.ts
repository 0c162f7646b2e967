import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import { advanceObjectClock, orderStatus, seedSale, Shopper, snapshot, type ApiError, type ApiOrder } from "./support.ts";

async function placeOrder(qty = 1, overrides = {}) {
  const sale = await seedSale({ perShopperLimit: 5, ...overrides });
  const shopper = await Shopper.create();
  const { order } = await (await shopper.checkout(sale.sku, qty)).json<{ order: ApiOrder }>();
  return { sale, shopper, order };
}

const pay = (shopper: Shopper, id: string, paymentMethod?: string) =>
  shopper.post(`/api/orders/${id}/pay`, paymentMethod ? { paymentMethod } : {});
const cancel = (shopper: Shopper, id: string) => shopper.post(`/api/orders/${id}/cancel`);

/**
 * Lets the sale's holds run out by moving its object's clock past them: no waiting. The
 * holds are the default ten minutes, so real time never runs one out during a test; only
 * this can.
 */
const holdRunsOut = (sale: SaleConfig) => advanceObjectClock(sale.sku, sale.holdSeconds * 1000);

describe("orders: Confirm and Cancel", () => {
  it("lets only its shopper read an order", async () => {
    const { shopper, order } = await placeOrder();
    expect((await shopper.request(`/api/orders/${order.id}`)).status).toBe(200);
    const stranger = await Shopper.create();
    const response = await stranger.request(`/api/orders/${order.id}`);
    expect(response.status).toBe(404);
    expect((await response.json<ApiError>()).error.code).toBe("not_found");
    expect((await stranger.request("/api/orders/not-an-order-id")).status).toBe(404);
    const ofNoSale = await stranger.request("/api/orders/ord_no-such-sale_abcdefghijklmnopqrstuvwx");
    expect(await ofNoSale.json()).toEqual({ error: { code: "not_found", message: "no order ord_no-such-sale_abcdefghijklmnopqrstuvwx" } });
  });

  it("confirms a paid order once; repeating is a no-op and cancel is then refused", async () => {
    const { sale, shopper, order } = await placeOrder(2);
    const paid = await pay(shopper, order.id);
    expect(paid.status).toBe(200);
    const body = await paid.json<{ order: ApiOrder; changed: boolean }>();
    expect(body).toMatchObject({ changed: true, order: { status: "paid", expiresAt: null, paymentRef: `pay_local_${order.id}` } });
    expect(await (await pay(shopper, order.id)).json()).toMatchObject({ changed: false, order: { status: "paid" } });
    const refused = await cancel(shopper, order.id);
    expect(refused.status).toBe(409);
    expect((await refused.json<ApiError>()).error.code).toBe("order_paid");
    expect((await snapshot(sale.sku)).stock).toMatchObject({ sold: 2, held: 0, remaining: sale.stock - 2 });
  });

  it("keeps the order pending when the payment is declined, and answers 503 when the provider is down", async () => {
    const { sale, shopper, order } = await placeOrder();
    const declined = await pay(shopper, order.id, "pm_local_decline");
    expect(declined.status).toBe(402);
    expect((await declined.json<ApiError>()).error.code).toBe("payment_declined");
    const unknown = await pay(shopper, order.id, "pm_card_from_nowhere");
    expect(unknown.status).toBe(400);
    expect((await unknown.json<ApiError>()).error.code).toBe("invalid_request");
    const down = await pay(shopper, order.id, "pm_local_unavailable");
    expect(down.status).toBe(503);
    expect((await (await shopper.request(`/api/orders/${order.id}`)).json<{ order: ApiOrder }>()).order.status).toBe("pending_payment");
    expect((await snapshot(sale.sku)).stock.held).toBe(1);
  });

  it("cancels once: units go back on sale exactly once, and Confirm after Cancel is refused", async () => {
    const { sale, shopper, order } = await placeOrder(2);
    const cancelled = await cancel(shopper, order.id);
    expect(await cancelled.json()).toMatchObject({ changed: true, order: { status: "cancelled" } });
    expect(await (await cancel(shopper, order.id)).json()).toMatchObject({ changed: false });
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock, held: 0 });
    const late = await pay(shopper, order.id);
    expect(late.status).toBe(409);
    expect((await late.json<ApiError>()).error.code).toBe("order_not_payable");
  });

  it("re-sells returned units at their own rank's price, so tiers still sell exactly their size", async () => {
    const { sale, shopper, order } = await placeOrder(1, { stock: 3, tiers: [{ fromRank: 1, toRank: 1, unitPrice: 10 }], listPrice: 99 });
    expect(order.unitPrices).toEqual([10]);
    await cancel(shopper, order.id);
    const next = await Shopper.create();
    const { order: again } = await (await next.checkout(sale.sku, 1)).json<{ order: ApiOrder }>();
    expect(again.unitPrices).toEqual([10]);
  });

  it("a cancel that arrives before its Try leaves nothing to resurrect", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const key = crypto.randomUUID();
    const early = await shopper.post("/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": key });
    expect(await early.json()).toMatchObject({ order: null, cancelled: true, changed: true });
    const late = await shopper.checkout(sale.sku, 1, key);
    expect(late.status).toBe(409);
    expect((await late.json<ApiError>()).error.code).toBe("checkout_cancelled");
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock, held: 0 });
  });

  it("cancels by key an order whose Try answer was lost", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const key = crypto.randomUUID();
    await shopper.checkout(sale.sku, 1, key);
    const cancelled = await shopper.post("/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": key });
    expect(await cancelled.json()).toMatchObject({ order: { status: "cancelled" }, changed: true });
    expect((await snapshot(sale.sku)).stock.remaining).toBe(sale.stock);
  });
});

describe("expiry and restarts", () => {
  it("expires an unpaid order by the object's alarm and returns its units exactly once", async () => {
    const { sale, shopper, order } = await placeOrder(2);
    const stub = env.SKU_SALE.getByName(sale.sku);
    await runDurableObjectAlarm(stub); // before the hold runs out, the alarm releases nothing
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock - 2, held: 2 });
    expect(await orderStatus(shopper, order.id)).toBe("pending_payment");

    await holdRunsOut(sale);
    expect(await runDurableObjectAlarm(stub)).toBe(true); // the object has an alarm set for the expiry
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock, held: 0 });
    await runDurableObjectAlarm(stub); // a second run has nothing left to release
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock, held: 0 });
    expect(await orderStatus(shopper, order.id)).toBe("expired");
    const late = await pay(shopper, order.id);
    expect(late.status).toBe(409);
  });

  it("refuses payment for a hold that ran out even before the alarm ran", async () => {
    const { sale, shopper, order } = await placeOrder(1);
    const stub = env.SKU_SALE.getByName(sale.sku);
    await runDurableObjectAlarm(stub); // the outbox's alarm, run now: none is left due before the expiry
    await holdRunsOut(sale);
    const late = await pay(shopper, order.id);
    expect(late.status).toBe(409);
    expect((await late.json<ApiError>()).error).toMatchObject({ code: "order_not_payable", status: "expired" });
    // Refused by the hold's time alone: the alarm has not run, so the units are still held.
    expect(await orderStatus(shopper, order.id)).toBe("pending_payment");
    await runDurableObjectAlarm(stub);
    expect(await orderStatus(shopper, order.id)).toBe("expired");
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock, held: 0 });
  });

  it("loses nothing when the object is evicted and restarted", async () => {
    const { sale, shopper, order } = await placeOrder(2);
    const buyer = await Shopper.create();
    const { order: bought } = await (await buyer.checkout(sale.sku, 1)).json<{ order: ApiOrder }>();
    await pay(buyer, bought.id);
    const key = crypto.randomUUID();
    await shopper.checkout(sale.sku, 1, key);
    const before = await snapshot(sale.sku);

    await evictDurableObject(env.SKU_SALE.getByName(sale.sku));

    const after = await snapshot(sale.sku);
    expect(after.stock).toEqual(before.stock);
    const read = await (await shopper.request(`/api/orders/${order.id}`)).json<{ order: ApiOrder }>();
    expect(read.order).toMatchObject({ id: order.id, status: "pending_payment", unitPrices: order.unitPrices });
    const replay = await shopper.checkout(sale.sku, 1, key);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await snapshot(sale.sku)).stock).toEqual(before.stock);
  });
});
