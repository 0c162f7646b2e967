import { describe, expect, it } from "vitest";
import { MemoryOrderArchive } from "../../src/orders/order-archive.ts";
import { OrderBook, type Change } from "../../src/orders/order-book.ts";
import type { Order } from "../../src/orders/order.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import { saleConfigSchema } from "../../src/sales/sale-config.ts";

/**
 * The order book over an archive (issue 12): what it answers from its own memory (changes
 * since the last write, live holds) and what from the archive, around `markWritten()`. The
 * tests write as the SKU object does: the changes queued since the last write, in order,
 * then `markWritten()`.
 */

const T0 = 1_000_000;
const HOLD_MS = 60_000;

function sale(overrides: { perShopperLimit?: number; giftStock?: number } = {}) {
  return saleConfigSchema.parse({
    sku: "archive-sku",
    title: "Archive",
    listPrice: 100,
    stock: 50,
    startsAt: T0,
    endsAt: T0 + 3_600_000,
    perShopperLimit: overrides.perShopperLimit ?? 3,
    holdSeconds: HOLD_MS / 1000,
    gifts: overrides.giftStock ? [{ id: "tote", title: "Tote", startsAt: T0, endsAt: T0 + 3_600_000, stock: overrides.giftStock }] : [],
  });
}

/** A book over an archive, and the object's side of it: the queue of changes and the write. */
function setUp(config = sale()) {
  const archive = new MemoryOrderArchive();
  const book = new OrderBook(config, new Inventory(config.stock), archive);
  let unwritten: Change[] = [];
  const keep = (change: Change | null) => {
    if (change) unwritten.push(change);
  };
  return {
    archive,
    book,
    buy(shopperId: string, idempotencyKey: string, qty = 1, now = T0): Order {
      const result = book.tryCheckout({ shopperId, idempotencyKey, qty }, now);
      if (!result.ok) throw new Error(`Try refused: ${result.error.code}`);
      keep(result.value.change);
      return result.value.order;
    },
    cancel(order: Order, now = T0) {
      const result = book.cancel(order.id, order.shopperId, now);
      if (result.ok) keep(result.value.change);
      return result;
    },
    pay(order: Order, now = T0) {
      const result = book.confirm(order.id, order.shopperId, `pay_${order.id}`, now);
      if (result.ok) keep(result.value.change);
      return result;
    },
    write() {
      archive.write(unwritten.map((change) => change.order));
      unwritten = [];
      book.markWritten();
    },
  };
}

describe("OrderBook over an archive (issue 12)", () => {
  it("replays a key from the archive once it is written: the same order, nothing taken; another qty is a conflict", () => {
    const s = setUp();
    const order = s.buy("shp_a", "key-1", 2);
    s.write();
    const available = s.book.inventory.available;

    const replay = s.book.tryCheckout({ shopperId: "shp_a", idempotencyKey: "key-1", qty: 2 }, T0 + 5);
    expect(replay.ok && { id: replay.value.order.id, replayed: replay.value.replayed, change: replay.value.change }).toEqual({
      id: order.id,
      replayed: true,
      change: null,
    });
    const conflict = s.book.tryCheckout({ shopperId: "shp_a", idempotencyKey: "key-1", qty: 1 }, T0 + 5);
    expect(!conflict.ok && conflict.error).toMatchObject({ code: "idempotency_conflict", details: { orderId: order.id } });
    expect(s.book.inventory.available).toBe(available);
  });

  it("counts the per-shopper limit across written and unwritten orders, and across a cancel of a written one", () => {
    const s = setUp(sale({ perShopperLimit: 3 }));
    const written = s.buy("shp_a", "key-1", 2);
    s.write();
    s.buy("shp_a", "key-2", 1); // not written yet
    const over = s.book.tryCheckout({ shopperId: "shp_a", idempotencyKey: "key-3", qty: 1 }, T0);
    expect(!over.ok && over.error).toMatchObject({ code: "limit_exceeded", details: { limit: 3, holding: 3 } });

    // The written order is cancelled (unwritten): its 2 units no longer count, before and after the write.
    expect(s.cancel(written).ok).toBe(true);
    expect(s.book.tryCheckout({ shopperId: "shp_a", idempotencyKey: "key-4", qty: 3 }, T0)).toMatchObject({
      ok: false,
      error: { details: { holding: 1 } },
    });
    s.write();
    expect(s.buy("shp_a", "key-5", 2).qty).toBe(2);
    // Another shopper's orders never count.
    expect(s.buy("shp_b", "key-1", 3).qty).toBe(3);
  });

  it("takes an order changed twice before a write as its last version", () => {
    const s = setUp(sale({ giftStock: 1 }));
    const order = s.buy("shp_a", "key-1", 2);
    expect(order.gift?.id).toBe("tote");
    expect(s.cancel(order).ok).toBe(true);
    s.write();

    expect(s.archive.byId(order.id)?.status).toBe("cancelled");
    expect(s.book.get(order.id, "shp_a")).toMatchObject({ ok: true, value: { status: "cancelled", version: 2 } });
    expect(s.book.totals.unitsByStatus).toEqual({ pending_payment: 0, paid: 0, cancelled: 2, expired: 0, deposit_paid: 0, forfeited: 0 });
    expect(s.book.giftsGiven).toEqual({});
    // Its units and its gift are back: the next order gets both, and the shopper's limit is whole again.
    expect(s.buy("shp_a", "key-2", 3)).toMatchObject({ ranks: [1, 2, 3], gift: { id: "tote" } });
  });

  it("keeps live holds in memory and leaves settled orders to the archive after a write", () => {
    const s = setUp();
    const held = s.buy("shp_a", "key-1");
    const paid = s.buy("shp_b", "key-1");
    expect(s.pay(paid).ok).toBe(true);
    // A write the archive lost: only what the book itself keeps is still there.
    s.book.markWritten();
    expect(s.book.get(held.id, "shp_a")).toMatchObject({ ok: true, value: { status: "pending_payment" } });
    expect(s.book.get(paid.id, "shp_b")).toMatchObject({ ok: false, error: { code: "not_found" } });
    // The counts are the book's own, whatever the archive holds.
    expect(s.book.totals).toMatchObject({ sold: 1, held: 1 });
    expect(s.book.ordersPlaced).toBe(2);
  });

  it("expires a written hold exactly once and pays a written one, from memory and archive alike", () => {
    const s = setUp();
    const expiring = s.buy("shp_a", "key-1");
    const paying = s.buy("shp_b", "key-1");
    s.write();
    expect(s.pay(paying, T0 + 10)).toMatchObject({ ok: true, value: { order: { status: "paid" } } });
    expect(s.pay(paying, T0 + 11)).toMatchObject({ ok: true, value: { change: null } });
    s.write();
    expect(s.book.nextExpiry()).toBe(expiring.expiresAt);
    const expired = s.book.expireDue(T0 + HOLD_MS);
    expect(expired.map((change) => change.order.id)).toEqual([expiring.id]);
    s.archive.write(expired.map((change) => change.order));
    s.book.markWritten();
    expect(s.book.expireDue(T0 + 2 * HOLD_MS)).toEqual([]);
    expect(s.book.nextExpiry()).toBeNull();
    expect(s.book.get(expiring.id, "shp_a")).toMatchObject({ ok: true, value: { status: "expired" } });
    expect(s.book.totals.unitsByStatus).toEqual({ pending_payment: 0, paid: 1, cancelled: 0, expired: 1, deposit_paid: 0, forfeited: 0 });
    // Paying or cancelling a settled, written order is refused or a no-op, as ever.
    expect(s.pay(expiring, T0 + 2 * HOLD_MS)).toMatchObject({ ok: false, error: { code: "order_not_payable" } });
    expect(s.cancel(paying, T0 + 2 * HOLD_MS)).toMatchObject({ ok: false, error: { code: "order_paid" } });
  });

  it("cancels by key an order that is only in the archive", () => {
    const s = setUp();
    const order = s.buy("shp_a", "key-1");
    s.write();
    const result = s.book.cancelByKey("shp_a", "key-1", T0 + 1);
    expect(result).toMatchObject({ ok: true, value: { order: { id: order.id, status: "cancelled" }, tombstone: { added: null } } });
    expect(s.book.inventory.available).toBe(50);
  });

  it("wakes from the archive with the counts, the gifts and the live holds it had, and nothing else in memory", () => {
    const s = setUp(sale({ giftStock: 5 }));
    const held = s.buy("shp_a", "key-1", 2);
    const paid = s.buy("shp_b", "key-1");
    s.pay(paid);
    s.cancel(s.buy("shp_c", "key-1"));
    s.write();

    const { stock, nextFresh, returned } = s.book.inventory.state;
    const woken = new OrderBook(s.book.config, new Inventory(stock, nextFresh, returned), s.archive);
    expect(woken.totals).toEqual(s.book.totals);
    expect(woken.ordersPlaced).toBe(3);
    expect(woken.giftsGiven).toEqual({ tote: 2 });
    expect(woken.giftOnOffer(T0)).toMatchObject({ remaining: 3 });
    expect(woken.nextExpiry()).toBe(held.expiresAt);
    expect(woken.expireDue(held.expiresAt!).map((change) => change.order.id)).toEqual([held.id]);
  });
});
