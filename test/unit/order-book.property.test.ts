import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OrderBook } from "../../src/orders/order-book.ts";
import { MemoryOrderArchive } from "../../src/orders/order-archive.ts";
import type { Order, OrderStatus } from "../../src/orders/order.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import { unitPriceForRank } from "../../src/sales/pricing.ts";
import { saleConfigSchema, type SaleConfig } from "../../src/sales/sale-config.ts";

/**
 * Model-based test of the TCC order book (issue 11): random sequences of Try, Confirm,
 * Cancel, cancel by key, expiry and stock changes, over random stock, limits, holds and
 * tiers. The model says what each step must answer; the invariants are checked after
 * every step.
 */

const HOLD_MS = 60_000;

interface ModelOrder {
  id: string;
  shopper: string;
  key: string;
  qty: number;
  status: OrderStatus;
  expiresAt: number | null;
}

interface Model {
  now: number;
  stock: number;
  limit: number;
  orders: ModelOrder[];
  cancelledKeys: Set<string>;
}

interface Real {
  book: OrderBook;
  sale: SaleConfig;
}

const LIVE: ReadonlySet<OrderStatus> = new Set(["pending_payment", "paid"]);
const liveUnits = (m: Model, shopper?: string) =>
  m.orders.filter((o) => LIVE.has(o.status) && (shopper === undefined || o.shopper === shopper)).reduce((n, o) => n + o.qty, 0);
const keyOf = (shopper: string, key: string) => `${shopper}/${key}`;

/** What must hold after every step, whatever happened. */
function checkInvariants(m: Model, r: Real): void {
  const { book } = r;
  const { sold, held, unitsByStatus } = book.totals;
  const paid = m.orders.filter((o) => o.status === "paid").reduce((n, o) => n + o.qty, 0);
  const pending = m.orders.filter((o) => o.status === "pending_payment").reduce((n, o) => n + o.qty, 0);
  expect({ sold, held }).toEqual({ sold: paid, held: pending });
  expect(unitsByStatus.cancelled + unitsByStatus.expired).toBe(m.orders.reduce((n, o) => n + (LIVE.has(o.status) ? 0 : o.qty), 0));
  // Every unit is sold, held or available: none lost, none made up.
  expect(sold + held + book.inventory.available).toBe(m.stock);
  expect(book.inventory.total).toBe(m.stock);
  // No rank in two live orders; every unit at its rank's price.
  const ranks = new Set<number>();
  for (const order of m.orders) {
    const real = book.get(order.id, order.shopper);
    if (!real.ok) throw new Error(`order ${order.id} is missing from the book`);
    expect(real.value.status).toBe(order.status);
    expect(real.value.ranks).toHaveLength(order.qty);
    expect(real.value.unitPrices).toEqual(real.value.ranks.map((rank) => unitPriceForRank(r.sale, rank)));
    expect(real.value.totalAmount).toBe(real.value.unitPrices.reduce((a, b) => a + b, 0));
    if (!LIVE.has(order.status)) continue;
    for (const rank of real.value.ranks) {
      expect(ranks.has(rank), `rank ${rank} in two live orders`).toBe(false);
      ranks.add(rank);
    }
  }
  // The per-shopper limit holds for every shopper.
  for (const shopper of new Set(m.orders.map((o) => o.shopper))) expect(liveUnits(m, shopper)).toBeLessThanOrEqual(m.limit);
}

class TryCommand implements fc.Command<Model, Real> {
  readonly shopper: string;
  readonly key: string;
  readonly qty: number;
  readonly dt: number;
  constructor(shopper: string, key: string, qty: number, dt: number) {
    this.shopper = shopper;
    this.key = key;
    this.qty = qty;
    this.dt = dt;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    m.now += this.dt;
    const before = JSON.stringify(r.book.totals);
    const result = r.book.tryCheckout({ shopperId: this.shopper, idempotencyKey: this.key, qty: this.qty }, m.now);
    const existing = m.orders.find((o) => o.shopper === this.shopper && o.key === this.key);
    if (existing) {
      // A replay changes nothing: the same order, or a conflict naming it.
      if (existing.qty === this.qty) {
        expect(result.ok && result.value.replayed && result.value.order.id).toBe(existing.id);
        expect(result.ok && result.value.change).toBeNull();
      } else {
        expect(!result.ok && result.error).toMatchObject({ code: "idempotency_conflict", details: { orderId: existing.id } });
      }
      expect(JSON.stringify(r.book.totals)).toBe(before);
    } else if (m.cancelledKeys.has(keyOf(this.shopper, this.key))) {
      expect(!result.ok && result.error.code).toBe("checkout_cancelled");
    } else if (liveUnits(m, this.shopper) + this.qty > m.limit) {
      expect(!result.ok && result.error.code).toBe("limit_exceeded");
    } else if (m.stock - liveUnits(m) < this.qty) {
      expect(!result.ok && result.error.code).toBe(m.stock - liveUnits(m) === 0 ? "sold_out" : "insufficient_stock");
    } else {
      if (!result.ok) throw new Error(`Try refused: ${result.error.code}`);
      const order = result.value.order;
      expect(order).toMatchObject({ status: "pending_payment", qty: this.qty, expiresAt: m.now + HOLD_MS });
      m.orders.push({
        id: order.id,
        shopper: this.shopper,
        key: this.key,
        qty: this.qty,
        status: "pending_payment",
        expiresAt: m.now + HOLD_MS,
      });
    }
    checkInvariants(m, r);
  }
  toString = () => `try(${this.shopper}, ${this.key}, ${this.qty}, +${this.dt})`;
}

/** Confirm or Cancel of one of the orders placed so far (`pick` modulo their number). */
class OrderCommand implements fc.Command<Model, Real> {
  readonly action: "confirm" | "cancel";
  readonly pick: number;
  readonly dt: number;
  constructor(action: "confirm" | "cancel", pick: number, dt: number) {
    this.action = action;
    this.pick = pick;
    this.dt = dt;
  }
  check = (m: Readonly<Model>) => m.orders.length > 0;
  run(m: Model, r: Real): void {
    m.now += this.dt;
    const order = m.orders[this.pick % m.orders.length]!;
    if (this.action === "confirm") {
      const result = r.book.confirm(order.id, order.shopper, `pay_${order.id}`, m.now);
      if (order.status === "paid") expect(result.ok && result.value.change).toBeNull();
      else if (order.status === "pending_payment" && m.now < order.expiresAt!) {
        expect(result.ok && result.value.order.status).toBe("paid");
        order.status = "paid";
        order.expiresAt = null;
      } else {
        expect(!result.ok && result.error.code).toBe("order_not_payable");
      }
    } else {
      const result = r.book.cancel(order.id, order.shopper, m.now);
      if (order.status === "paid") expect(!result.ok && result.error.code).toBe("order_paid");
      else if (order.status === "pending_payment") {
        expect(result.ok && result.value.order.status).toBe("cancelled");
        order.status = "cancelled";
        order.expiresAt = null;
      } else {
        expect(result.ok && result.value.change).toBeNull();
      }
    }
    // Another shopper can never touch it.
    expect(r.book.cancel(order.id, "shp_someone_else", m.now)).toMatchObject({ ok: false, error: { code: "not_found" } });
    checkInvariants(m, r);
  }
  toString = () => `${this.action}(#${this.pick}, +${this.dt})`;
}

class CancelByKeyCommand implements fc.Command<Model, Real> {
  readonly shopper: string;
  readonly key: string;
  constructor(shopper: string, key: string) {
    this.shopper = shopper;
    this.key = key;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    const result = r.book.cancelByKey(this.shopper, this.key, m.now);
    const order = m.orders.find((o) => o.shopper === this.shopper && o.key === this.key);
    if (!order) {
      expect(result.ok && result.value.order).toBeNull();
      m.cancelledKeys.add(keyOf(this.shopper, this.key));
    } else if (order.status === "paid") {
      expect(!result.ok && result.error.code).toBe("order_paid");
    } else {
      expect(result.ok && result.value.order?.status).toBe(order.status === "pending_payment" ? "cancelled" : order.status);
      if (order.status === "pending_payment") {
        order.status = "cancelled";
        order.expiresAt = null;
      }
    }
    checkInvariants(m, r);
  }
  toString = () => `cancelByKey(${this.shopper}, ${this.key})`;
}

/** Time passes and the alarm runs: every hold past its time expires, exactly once. */
class ExpireCommand implements fc.Command<Model, Real> {
  readonly dt: number;
  constructor(dt: number) {
    this.dt = dt;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    m.now += this.dt;
    const due = m.orders.filter((o) => o.status === "pending_payment" && o.expiresAt! <= m.now);
    const changes = r.book.expireDue(m.now);
    expect(changes.map((c) => c.order.id).sort()).toEqual(due.map((o) => o.id).sort());
    for (const order of due) {
      order.status = "expired";
      order.expiresAt = null;
    }
    expect(r.book.expireDue(m.now)).toEqual([]);
    checkInvariants(m, r);
  }
  toString = () => `expire(+${this.dt})`;
}

/** A marketer tops up or cuts the stock; never below the units sold or held. */
class RestockCommand implements fc.Command<Model, Real> {
  readonly delta: number;
  constructor(delta: number) {
    this.delta = delta;
  }
  check = (m: Readonly<Model>) => m.stock + this.delta >= Math.max(1, liveUnits(m as Model));
  run(m: Model, r: Real): void {
    m.stock += this.delta;
    r.sale = { ...r.sale, stock: m.stock };
    r.book.reconfigure(r.sale);
    checkInvariants(m, r);
  }
  toString = () => `restock(${this.delta > 0 ? "+" : ""}${this.delta})`;
}

const saleArb = fc
  .record({
    stock: fc.integer({ min: 1, max: 30 }),
    limit: fc.integer({ min: 1, max: 5 }),
    listPrice: fc.integer({ min: 0, max: 100_000 }),
    tierSizes: fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 3 }),
    tierPrices: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 3, maxLength: 3 }),
  })
  .map(({ stock, limit, listPrice, tierSizes, tierPrices }) => {
    const tiers: SaleConfig["tiers"] = [];
    let from = 1;
    for (const [i, size] of tierSizes.entries()) {
      const to = Math.min(stock, from + size - 1);
      if (from > to) break;
      tiers.push({ fromRank: from, toRank: to, unitPrice: tierPrices[i]!, label: `tier ${i + 1}` });
      from = to + 1;
    }
    return saleConfigSchema.parse({
      sku: "property-sku",
      title: "Property",
      listPrice,
      stock,
      startsAt: 0,
      endsAt: 10 ** 12,
      tiers,
      perShopperLimit: limit,
      holdSeconds: HOLD_MS / 1000,
    });
  });

const shopper = fc.constantFrom("shp_a", "shp_b", "shp_c", "shp_d");
const key = fc.constantFrom("key-0001", "key-0002", "key-0003", "key-0004");
const dt = fc.integer({ min: 0, max: 40_000 });
const commands = [
  fc.tuple(shopper, key, fc.integer({ min: 1, max: 4 }), dt).map(([s, k, q, t]) => new TryCommand(s, k, q, t)),
  fc.tuple(fc.constantFrom("confirm" as const, "cancel" as const), fc.nat(50), dt).map(([a, p, t]) => new OrderCommand(a, p, t)),
  fc.tuple(shopper, key).map(([s, k]) => new CancelByKeyCommand(s, k)),
  dt.map((t) => new ExpireCommand(t)),
  fc.integer({ min: -10, max: 10 }).map((d) => new RestockCommand(d)),
];

/** A new book for `sale` and the model of it, before any step. */
function fresh(sale: SaleConfig): { real: Real; model: Model } {
  return {
    real: { book: new OrderBook(sale, new Inventory(sale.stock)), sale },
    model: { now: 1_000, stock: sale.stock, limit: sale.perShopperLimit, orders: [], cancelledKeys: new Set() },
  };
}

describe("OrderBook, model-based (issue 11)", () => {
  it("keeps every invariant after every step of random Try / Confirm / Cancel / cancel-by-key / expiry / restock sequences", () => {
    fc.assert(
      fc.property(saleArb, fc.commands(commands, { maxCommands: 40 }), (sale, cmds) => {
        const { real, model } = fresh(sale);
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: 1_000 },
    );
  });

  it("rebuilds the same book from the orders it stored (a Durable Object waking up)", () => {
    fc.assert(
      fc.property(saleArb, fc.commands(commands, { maxCommands: 30 }), (sale, cmds) => {
        const { real, model } = fresh(sale);
        fc.modelRun(() => ({ model, real }), cmds);
        const stored: Order[] = model.orders.map((o) => (real.book.get(o.id, o.shopper) as { ok: true; value: Order }).value);
        const { stock, nextFresh, returned } = real.book.inventory.state;
        const woken = new OrderBook(real.sale, new Inventory(stock, nextFresh, returned), new MemoryOrderArchive(stored));
        expect(woken.totals).toEqual(real.book.totals);
        expect(woken.inventory.available).toBe(real.book.inventory.available);
        expect(woken.nextExpiry()).toBe(real.book.nextExpiry());
      }),
      { numRuns: 300 },
    );
  });
});
