import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CancelledKey } from "../../src/orders/cancelled-keys.ts";
import { OrderBook, type Change } from "../../src/orders/order-book.ts";
import { MemoryOrderArchive } from "../../src/orders/order-archive.ts";
import type { Order, OrderStatus } from "../../src/orders/order.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import { unitPriceForRank } from "../../src/sales/pricing.ts";
import { saleConfigSchema, type SaleConfig } from "../../src/sales/sale-config.ts";

/**
 * Model-based test of the TCC order book (issue 11): random sequences of Try, Confirm,
 * Cancel, cancel by key, expiry and stock changes, over random stock, limits, holds and
 * tiers. The model says what each step must answer; the invariants are checked after
 * every step. Since issue 12 the book also runs over an archive that its changes are
 * written to at random steps, and wakes from it, as the SKU object does with SQLite: it
 * must answer exactly as the model says all the same.
 */

const HOLD_MS = 60_000;

interface ModelOrder {
  id: string;
  shopper: string;
  key: string;
  qty: number;
  status: OrderStatus;
  expiresAt: number | null;
  /** Whether the order got the sale's gift. */
  gift: boolean;
}

interface Model {
  now: number;
  stock: number;
  limit: number;
  /** The gift's stock: 0 when the sale has no gift. */
  giftStock: number;
  orders: ModelOrder[];
  cancelledKeys: Set<string>;
}

interface Real {
  book: OrderBook<Inventory>;
  sale: SaleConfig;
  /** The orders as written: what the SKU object's SQLite is to its book. */
  archive: MemoryOrderArchive;
  /** Changes the book made since the last write, in order, as the object queues them. */
  unwritten: Change[];
  /** Cancel-by-key tombstones as stored, for a book that wakes. */
  tombstones: Map<string, CancelledKey>;
}

/** Queues what a step changed, as the object does before its group write. */
function queue(r: Real, changes: ReadonlyArray<Change | null>): void {
  for (const change of changes) if (change) r.unwritten.push(change);
}

/**
 * The object's write: every queued change into the archive, then the book is told. The
 * tally the object writes with them (the book's) must be what the written orders add up to:
 * a woken object reads it instead of counting them.
 */
function writeQueued(r: Real): void {
  r.archive.write(r.unwritten.map((change) => change.order));
  expect(r.book.tally).toEqual(r.archive.tally());
  r.unwritten = [];
  r.book.markWritten();
}

const LIVE: ReadonlySet<OrderStatus> = new Set(["pending_payment", "paid"]);
const liveUnits = (m: Model, shopper?: string) =>
  m.orders.filter((o) => LIVE.has(o.status) && (shopper === undefined || o.shopper === shopper)).reduce((n, o) => n + o.qty, 0);
const keyOf = (shopper: string, key: string) => `${shopper}/${key}`;
/** Gifts out with orders that hold or bought units. */
const giftsOut = (m: Model) => m.orders.filter((o) => o.gift && LIVE.has(o.status)).length;
const GIFT = "property-gift";

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
  // Gift stock: exactly the gifts of live orders are out, never more than the stock.
  expect(book.giftsGiven[GIFT] ?? 0).toBe(giftsOut(m));
  expect(giftsOut(m)).toBeLessThanOrEqual(m.giftStock);
  expect(book.ordersPlaced).toBe(m.orders.length);
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
    if (result.ok) queue(r, [result.value.change]);
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
      const gift = giftsOut(m) < m.giftStock;
      expect(order.gift?.id ?? null).toBe(gift ? GIFT : null);
      m.orders.push({
        gift,
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
      if (result.ok) queue(r, [result.value.change]);
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
      if (result.ok) queue(r, [result.value.change]);
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
    if (result.ok) {
      queue(r, [result.value.change]);
      const { added, evicted } = result.value.tombstone;
      if (added) r.tombstones.set(keyOf(added.shopperId, added.idempotencyKey), added);
      for (const key of evicted) r.tombstones.delete(keyOf(key.shopperId, key.idempotencyKey));
    }
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
    queue(r, changes);
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

/** The object's group write lands: the archive has every change, the book forgets its copies. */
class WriteCommand implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    writeQueued(r);
    checkInvariants(m, r);
  }
  toString = () => "write";
}

/**
 * The object is evicted once its writes are done and wakes on its storage: a new book over
 * the archive, the inventory and the tombstones, with nothing of the old book's memory.
 */
class WakeCommand implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    writeQueued(r);
    const { stock, nextFresh, returned } = r.book.inventory.state;
    const before = r.book;
    r.book = new OrderBook(r.sale, new Inventory(stock, nextFresh, returned), r.archive, r.tombstones.values());
    expect({ next: r.book.nextExpiry(), placed: r.book.ordersPlaced, gifts: r.book.giftsGiven }).toEqual({
      next: before.nextExpiry(),
      placed: before.ordersPlaced,
      gifts: before.giftsGiven,
    });
    checkInvariants(m, r);
  }
  toString = () => "wake";
}

const saleArb = fc
  .record({
    stock: fc.integer({ min: 1, max: 30 }),
    limit: fc.integer({ min: 1, max: 5 }),
    listPrice: fc.integer({ min: 0, max: 100_000 }),
    tierSizes: fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 3 }),
    tierPrices: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 3, maxLength: 3 }),
    giftStock: fc.integer({ min: 0, max: 6 }),
  })
  .map(({ stock, limit, listPrice, tierSizes, tierPrices, giftStock }) => {
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
      gifts: giftStock > 0 ? [{ id: GIFT, title: "Gift", startsAt: 0, endsAt: 10 ** 12, stock: giftStock }] : [],
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
/** The same steps, with the object's writes and wakes in between at random (issue 12). */
const writtenCommands = [...commands, fc.constant(null).map(() => new WriteCommand()), fc.constant(null).map(() => new WakeCommand())];

/**
 * A new book for `sale` and the model of it, before any step. Without `archived`, the book
 * has no archive of its own making (it keeps every order, and is never written); with it,
 * it runs over `real.archive`, which WriteCommand and WakeCommand fill.
 */
function fresh(sale: SaleConfig, archived = false): { real: Real; model: Model } {
  const archive = new MemoryOrderArchive();
  const book = archived ? new OrderBook(sale, new Inventory(sale.stock), archive) : new OrderBook(sale, new Inventory(sale.stock));
  return {
    real: { book, sale, archive, unwritten: [], tombstones: new Map() },
    model: {
      now: 1_000,
      stock: sale.stock,
      limit: sale.perShopperLimit,
      giftStock: sale.gifts[0]?.stock ?? 0,
      orders: [],
      cancelledKeys: new Set(),
    },
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

  it("answers as the model says when its changes are written to an archive, and it wakes from it, at random steps (issue 12)", () => {
    fc.assert(
      fc.property(saleArb, fc.commands(writtenCommands, { maxCommands: 40 }), (sale, cmds) => {
        const { real, model } = fresh(sale, true);
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
        expect(woken.ordersPlaced).toBe(real.book.ordersPlaced);
        expect(woken.giftsGiven).toEqual(real.book.giftsGiven);
        expect(woken.inventory.available).toBe(real.book.inventory.available);
        expect(woken.nextExpiry()).toBe(real.book.nextExpiry());
      }),
      { numRuns: 300 },
    );
  });
});
