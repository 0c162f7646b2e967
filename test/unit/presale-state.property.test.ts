import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Change, OrderBook } from "../../src/orders/order-book.ts";
import { MemoryOrderArchive } from "../../src/orders/order-archive.ts";
import type { OrderStatus } from "../../src/orders/order.ts";
import { chargeKey, newPresaleLine, paymentDue, presaleState, pricePresale } from "../../src/presale/presale-state.ts";
import type { PaymentLineKind, PresaleState } from "../../src/presale/presale-terms.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import { unitPriceForRank } from "../../src/sales/pricing.ts";
import { type SaleConfig, saleConfigSchema } from "../../src/sales/sale-config.ts";

const MIN = 60_000;
const HOLD_MS = 10 * MIN;
/** The timeline of every generated presale: deposits, a gap, the sale with its balance window, the rest of the sale. */
const DEPOSIT_STARTS = 60 * MIN;
const DEPOSIT_ENDS = DEPOSIT_STARTS + 60 * MIN;
const STARTS = DEPOSIT_ENDS + 30 * MIN;
const BALANCE_STARTS = STARTS + 30 * MIN;
const BALANCE_ENDS = BALANCE_STARTS + 60 * MIN;
const ENDS = BALANCE_ENDS + 60 * MIN;

describe("presale pricing (issue 19)", () => {
  const terms = {
    depositPerUnit: 5_000,
    depositWorthPerUnit: 15_000,
    depositStartsAt: DEPOSIT_STARTS,
    depositEndsAt: DEPOSIT_ENDS,
    balanceStartsAt: BALANCE_STARTS,
    balanceEndsAt: BALANCE_ENDS,
    forfeit: "keep" as const,
  };

  it("a ¥50 deposit worth ¥150 takes ¥150 off a ¥599 unit: ¥449 balance, ¥499 in all", () => {
    expect(pricePresale(terms, [59_900])).toEqual({ deposit: 5_000, depositWorth: 15_000, balance: 44_900 });
    const line = newPresaleLine(terms, [59_900]);
    expect(line.deposit + line.balance).toBe(49_900);
    expect(line).toMatchObject({ balanceOpensAt: BALANCE_STARTS, balanceClosesAt: BALANCE_ENDS, depositPaidAt: null, balancePaidAt: null });
  });

  it("prices each unit at its rank's tier and takes the worth off per unit", () => {
    // Two units at ranks in different tiers: ¥399 and ¥599, each ¥150 off.
    expect(pricePresale(terms, [39_900, 59_900])).toEqual({ deposit: 10_000, depositWorth: 30_000, balance: 69_800 });
  });

  it("charges deposit and balance under their own keys, and an ordinary order under its id", () => {
    expect(chargeKey("ord_x_1", "deposit")).toBe("ord_x_1:deposit");
    expect(chargeKey("ord_x_1", "balance")).toBe("ord_x_1:balance");
    expect(chargeKey("ord_x_1", "full")).toBe("ord_x_1");
  });
});

interface ModelOrder {
  id: string;
  shopper: string;
  key: string;
  qty: number;
  presale: boolean;
  status: OrderStatus;
  expiresAt: number | null;
}

interface Model {
  now: number;
  stock: number;
  limit: number;
  orders: ModelOrder[];
}

interface Real {
  book: OrderBook<Inventory>;
  sale: SaleConfig;
  archive: MemoryOrderArchive;
  unwritten: Change[];
}

const LIVE: ReadonlySet<OrderStatus> = new Set(["pending_payment", "deposit_paid", "paid"]);
const liveUnits = (m: Model, shopper?: string) =>
  m.orders.filter((o) => LIVE.has(o.status) && (shopper === undefined || o.shopper === shopper)).reduce((n, o) => n + o.qty, 0);

/** The state a shopper must see, from the model alone. */
function expectedState(o: ModelOrder, now: number): PresaleState {
  if (o.status === "pending_payment") return now >= o.expiresAt! ? "expired" : "deposit_pending";
  if (o.status === "deposit_paid") return now >= BALANCE_ENDS ? "forfeited" : now >= BALANCE_STARTS ? "balance_due" : "deposit_paid";
  return o.status as PresaleState;
}

function checkInvariants(m: Model, r: Real): void {
  const { book, sale } = r;
  const { unitsByStatus } = book.totals;
  for (const status of Object.keys(unitsByStatus) as OrderStatus[]) {
    expect(unitsByStatus[status], status).toBe(m.orders.filter((o) => o.status === status).reduce((n, o) => n + o.qty, 0));
  }
  // No oversell across deposits and ordinary checkouts: every unit held, sold or available, once.
  expect(liveUnits(m) + book.inventory.available).toBe(m.stock);
  const ranks = new Set<number>();
  for (const o of m.orders) {
    const got = book.get(o.id, o.shopper);
    if (!got.ok) throw new Error(`order ${o.id} missing`);
    const order = got.value;
    expect(order.status).toBe(o.status);
    expect(order.unitPrices).toEqual(order.ranks.map((rank) => unitPriceForRank(sale, rank)));
    const price = order.unitPrices.reduce((a, b) => a + b, 0);
    if (o.presale) {
      const line = order.presale!;
      expect(line.deposit).toBe(o.qty * sale.presale!.depositPerUnit);
      expect(line.balance).toBe(price - o.qty * sale.presale!.depositWorthPerUnit);
      expect(order.totalAmount).toBe(line.deposit + line.balance);
      expect(presaleState(order, m.now)).toBe(expectedState(o, m.now));
      expect(line.depositPaidAt !== null).toBe(["deposit_paid", "paid", "forfeited"].includes(o.status));
      expect(line.balancePaidAt !== null).toBe(o.status === "paid");
    } else {
      expect(order.presale ?? null).toBeNull();
      expect(order.totalAmount).toBe(price);
    }
    if (!LIVE.has(o.status)) continue;
    for (const rank of order.ranks) {
      expect(ranks.has(rank), `rank ${rank} in two live orders`).toBe(false);
      ranks.add(rank);
    }
  }
  for (const shopper of new Set(m.orders.map((o) => o.shopper))) expect(liveUnits(m, shopper)).toBeLessThanOrEqual(m.limit);
}

class TryCommand implements fc.Command<Model, Real> {
  readonly shopper: string;
  readonly key: string;
  readonly qty: number;
  readonly dt: Step;
  constructor(shopper: string, key: string, qty: number, dt: Step) {
    this.shopper = shopper;
    this.key = key;
    this.qty = qty;
    this.dt = dt;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    advance(m, this.dt);
    const result = r.book.tryCheckout({ shopperId: this.shopper, idempotencyKey: this.key, qty: this.qty }, m.now);
    if (result.ok && result.value.change) r.unwritten.push(result.value.change);
    const existing = m.orders.find((o) => o.shopper === this.shopper && o.key === this.key);
    const inDeposits = m.now >= DEPOSIT_STARTS && m.now < DEPOSIT_ENDS;
    if (existing) {
      if (existing.qty === this.qty) expect(result.ok && result.value.order.id).toBe(existing.id);
      else expect(!result.ok && result.error.code).toBe("idempotency_conflict");
    } else if (!inDeposits && m.now < STARTS) {
      expect(!result.ok && result.error).toMatchObject({
        code: "not_started",
        details: { startsAt: m.now < DEPOSIT_STARTS ? DEPOSIT_STARTS : STARTS },
      });
    } else if (m.now >= ENDS) {
      expect(!result.ok && result.error.code).toBe("ended");
    } else if (liveUnits(m, this.shopper) + this.qty > m.limit) {
      expect(!result.ok && result.error.code).toBe("limit_exceeded");
    } else if (m.stock - liveUnits(m) < this.qty) {
      expect(!result.ok && result.error.code).toBe(m.stock - liveUnits(m) === 0 ? "sold_out" : "insufficient_stock");
    } else {
      if (!result.ok) throw new Error(`Try refused: ${result.error.code}`);
      const order = result.value.order;
      expect(order).toMatchObject({ status: "pending_payment", expiresAt: m.now + HOLD_MS });
      expect(Boolean(order.presale)).toBe(inDeposits);
      m.orders.push({
        id: order.id,
        shopper: this.shopper,
        key: this.key,
        qty: this.qty,
        presale: inDeposits,
        status: "pending_payment",
        expiresAt: m.now + HOLD_MS,
      });
    }
    checkInvariants(m, r);
  }
  toString = () => `try(${this.shopper}, ${this.key}, ${this.qty}, ${show(this.dt)})`;
}

/**
 * Pay (Confirm) of one order: `due` names the line the order owes (what the Worker sends), `deposit`
 * always names the deposit (a retried first payment arriving late).
 */
class PayCommand implements fc.Command<Model, Real> {
  readonly pick: number;
  readonly dt: Step;
  readonly naming: "due" | "deposit";
  constructor(pick: number, dt: Step, naming: "due" | "deposit") {
    this.pick = pick;
    this.dt = dt;
    this.naming = naming;
  }
  check = (m: Readonly<Model>) => m.orders.length > 0;
  run(m: Model, r: Real): void {
    advance(m, this.dt);
    const o = m.orders[this.pick % m.orders.length]!;
    const real = r.book.get(o.id, o.shopper);
    const due = real.ok ? paymentDue(real.value) : null;
    const kind: PaymentLineKind = !o.presale ? "full" : this.naming === "deposit" ? "deposit" : (due?.kind ?? "balance");
    const result = r.book.confirm(o.id, o.shopper, `pay_${o.id}_${kind}`, m.now, "paper", kind);
    if (result.ok && result.value.change) r.unwritten.push(result.value.change);
    const code = !result.ok && result.error.code;
    if (o.status === "paid" || (kind === "deposit" && o.status === "deposit_paid")) {
      expect(result.ok && result.value.change).toBeNull();
    } else if (o.status === "pending_payment" && m.now < o.expiresAt!) {
      if (!o.presale || kind === "deposit") {
        const next = o.presale ? "deposit_paid" : "paid";
        expect(result.ok && result.value.order).toMatchObject({ status: next, expiresAt: o.presale ? BALANCE_ENDS : null });
        o.status = next;
        o.expiresAt = o.presale ? BALANCE_ENDS : null;
      } else expect(code).toBe("order_not_payable");
    } else if (o.status === "deposit_paid") {
      if (m.now >= BALANCE_ENDS) expect(!result.ok && result.error.details).toEqual({ status: "forfeited" });
      else if (m.now < BALANCE_STARTS) {
        expect(!result.ok && result.error).toMatchObject({ code: "balance_not_open", details: { opensAt: BALANCE_STARTS } });
      } else {
        expect(result.ok && result.value.order.status).toBe("paid");
        expect(result.ok && result.value.order.paymentRef).toBe(`pay_${o.id}_balance`);
        o.status = "paid";
        o.expiresAt = null;
      }
    } else {
      expect(code).toBe("order_not_payable");
    }
    checkInvariants(m, r);
  }
  toString = () => `pay(#${this.pick}, ${show(this.dt)}, ${this.naming})`;
}

class CancelCommand implements fc.Command<Model, Real> {
  readonly pick: number;
  constructor(pick: number) {
    this.pick = pick;
  }
  check = (m: Readonly<Model>) => m.orders.length > 0;
  run(m: Model, r: Real): void {
    const o = m.orders[this.pick % m.orders.length]!;
    const result = r.book.cancel(o.id, o.shopper, m.now);
    if (result.ok && result.value.change) r.unwritten.push(result.value.change);
    if (o.status === "paid" || o.status === "deposit_paid") expect(!result.ok && result.error.code).toBe("order_paid");
    else if (o.status === "pending_payment") {
      expect(result.ok && result.value.order.status).toBe("cancelled");
      o.status = "cancelled";
      o.expiresAt = null;
    } else expect(result.ok && result.value.change).toBeNull();
    checkInvariants(m, r);
  }
  toString = () => `cancel(#${this.pick})`;
}

/** Time passes and the alarm runs: unpaid holds expire, paid deposits past their balance window are forfeited, once. */
class AlarmCommand implements fc.Command<Model, Real> {
  readonly dt: Step;
  constructor(dt: Step) {
    this.dt = dt;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    advance(m, this.dt);
    const due = m.orders.filter((o) => (o.status === "pending_payment" || o.status === "deposit_paid") && o.expiresAt! <= m.now);
    const changes = r.book.expireDue(m.now);
    r.unwritten.push(...changes);
    expect(changes.map((c) => [c.order.id, c.order.status]).sort()).toEqual(
      due.map((o) => [o.id, o.status === "deposit_paid" ? "forfeited" : "expired"]).sort(),
    );
    for (const o of due) {
      o.status = o.status === "deposit_paid" ? "forfeited" : "expired";
      o.expiresAt = null;
    }
    expect(r.book.expireDue(m.now)).toEqual([]);
    // The alarm is set for the next of them.
    const next = m.orders.filter((o) => o.expiresAt !== null).map((o) => o.expiresAt!);
    expect(r.book.nextExpiry()).toBe(next.length ? Math.min(...next) : null);
    checkInvariants(m, r);
  }
  toString = () => `alarm(${show(this.dt)})`;
}

/** The object writes its changes, is evicted and wakes on them: paid deposits are live holds again. */
class WakeCommand implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    r.archive.write(r.unwritten.map((c) => c.order));
    expect(r.book.tally).toEqual(r.archive.tally());
    r.unwritten = [];
    r.book.markWritten();
    const { stock, nextFresh, returned } = r.book.inventory.state;
    const before = r.book;
    r.book = new OrderBook(r.sale, new Inventory(stock, nextFresh, returned), r.archive);
    expect(r.book.nextExpiry()).toBe(before.nextExpiry());
    checkInvariants(m, r);
  }
  toString = () => "wake";
}

const saleArb = fc
  .record({
    stock: fc.integer({ min: 1, max: 20 }),
    limit: fc.integer({ min: 1, max: 4 }),
    deposit: fc.integer({ min: 1, max: 10_000 }),
    extraWorth: fc.integer({ min: 0, max: 10_000 }),
    extraPrice: fc.integer({ min: 0, max: 50_000 }),
    tierSize: fc.integer({ min: 0, max: 8 }),
    forfeit: fc.constantFrom("keep" as const, "refund" as const),
  })
  .map(({ stock, limit, deposit, extraWorth, extraPrice, tierSize, forfeit }) => {
    const worth = deposit + extraWorth;
    const tierTo = Math.min(stock, tierSize);
    return saleConfigSchema.parse({
      sku: "presale-property",
      title: "Presale",
      listPrice: worth + extraPrice + 10_000,
      stock,
      startsAt: STARTS,
      endsAt: ENDS,
      tiers: tierTo > 0 ? [{ fromRank: 1, toRank: tierTo, unitPrice: worth + extraPrice }] : [],
      perShopperLimit: limit,
      holdSeconds: HOLD_MS / 1000,
      presale: {
        depositPerUnit: deposit,
        depositWorthPerUnit: worth,
        depositStartsAt: DEPOSIT_STARTS,
        depositEndsAt: DEPOSIT_ENDS,
        balanceStartsAt: BALANCE_STARTS,
        balanceEndsAt: BALANCE_ENDS,
        forfeit,
      },
    });
  });

const shopper = fc.constantFrom("shp_a", "shp_b", "shp_c");
const key = fc.constantFrom("k1", "k2", "k3");
/**
 * Time moves on by a random amount, or to just before or right at one of the windows' edges
 * (or the hold of an order): where an off-by-one would show.
 */
type Step = { by: number } | { to: number | "hold"; off: 0 | -1; pick: number };
const EDGES = [DEPOSIT_STARTS, DEPOSIT_ENDS, STARTS, BALANCE_STARTS, BALANCE_ENDS, ENDS] as const;
const dt: fc.Arbitrary<Step> = fc.oneof(
  fc.integer({ min: 0, max: 25 * MIN }).map((by) => ({ by })),
  fc.record({ to: fc.constantFrom<number | "hold">(...EDGES, "hold"), off: fc.constantFrom(0 as const, -1 as const), pick: fc.nat(30) }),
);
function advance(m: Model, step: Step): void {
  if ("by" in step) {
    m.now += step.by;
    return;
  }
  const holds = m.orders.filter((o) => o.expiresAt !== null);
  const at = step.to === "hold" ? holds[step.pick % Math.max(1, holds.length)]?.expiresAt : step.to;
  if (at !== undefined && at !== null) m.now = Math.max(m.now, at + step.off);
}
const show = (step: Step) => ("by" in step ? `+${step.by}` : `→${step.to}${step.off || ""}`);
const commands = [
  fc.tuple(shopper, key, fc.integer({ min: 1, max: 3 }), dt).map(([s, k, q, t]) => new TryCommand(s, k, q, t)),
  fc.tuple(fc.nat(30), dt, fc.constantFrom("due" as const, "due" as const, "deposit" as const)).map(([p, t, n]) => new PayCommand(p, t, n)),
  fc.nat(30).map((p) => new CancelCommand(p)),
  dt.map((t) => new AlarmCommand(t)),
  fc.constant(null).map(() => new WakeCommand()),
];

describe("the presale state machine, model-based (issue 19)", () => {
  it("deposit pending → deposit paid → balance due → paid | forfeited, and cancel/expire of an unpaid deposit, with no unit lost or sold twice", () => {
    fc.assert(
      fc.property(saleArb, fc.integer({ min: 0, max: 90 * MIN }), fc.commands(commands, { maxCommands: 50 }), (sale, start, cmds) => {
        const archive = new MemoryOrderArchive();
        const real: Real = { book: new OrderBook(sale, new Inventory(sale.stock), archive), sale, archive, unwritten: [] };
        const model: Model = { now: start, stock: sale.stock, limit: sale.perShopperLimit, orders: [] };
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: 1_000 },
    );
  });

  it("pays the balance from the very millisecond its window opens, and not one before; not at its close", () => {
    const sale = saleConfigSchema.parse({ ...fc.sample(saleArb, { numRuns: 1, seed: 7 })[0]!, stock: 5, perShopperLimit: 2 });
    const book = new OrderBook(sale, new Inventory(sale.stock));
    const placed = book.tryCheckout({ shopperId: "shp_a", idempotencyKey: "k1", qty: 1 }, DEPOSIT_STARTS);
    const late = book.tryCheckout({ shopperId: "shp_b", idempotencyKey: "k1", qty: 1 }, DEPOSIT_ENDS - 1);
    expect(book.tryCheckout({ shopperId: "shp_c", idempotencyKey: "k1", qty: 1 }, DEPOSIT_ENDS)).toMatchObject({
      ok: false,
      error: { code: "not_started", details: { startsAt: STARTS } },
    });
    if (!placed.ok || !late.ok) throw new Error("the deposit window refused a checkout");
    for (const { order } of [placed.value, late.value]) {
      expect(book.confirm(order.id, order.shopperId, "dep", order.createdAt + 1, "paper", "deposit")).toMatchObject({ ok: true });
    }
    const { id } = placed.value.order;
    expect(book.confirm(id, "shp_a", "bal", BALANCE_STARTS - 1, "paper", "balance")).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "balance_not_open", details: { opensAt: BALANCE_STARTS, closesAt: BALANCE_ENDS } }),
    });
    expect(book.confirm(id, "shp_a", "bal", BALANCE_STARTS, "paper", "balance")).toMatchObject({
      ok: true,
      value: { order: { status: "paid", paymentRef: "bal", presale: { depositRef: "dep", balancePaidAt: BALANCE_STARTS } } },
    });
    const other = late.value.order.id;
    expect(book.confirm(other, "shp_b", "bal", BALANCE_ENDS, "paper", "balance")).toMatchObject({
      ok: false,
      error: { code: "order_not_payable", details: { status: "forfeited" } },
    });
    expect(book.expireDue(BALANCE_ENDS - 1)).toEqual([]);
    expect(book.expireDue(BALANCE_ENDS).map((c) => c.order.status)).toEqual(["forfeited"]);
    // The forfeited unit is back on sale: 5 units, one sold.
    expect(book.inventory.available).toBe(4);
  });

  it("reads the clock: a paid deposit is balance_due in its window and forfeited at its close, before the alarm writes it", () => {
    const order = { status: "deposit_paid" as const, expiresAt: BALANCE_ENDS, presale: newPresaleLine(saleArbSample(), [20_000]) };
    expect(presaleState(order, BALANCE_STARTS - 1)).toBe("deposit_paid");
    expect(presaleState(order, BALANCE_STARTS)).toBe("balance_due");
    expect(presaleState(order, BALANCE_ENDS - 1)).toBe("balance_due");
    expect(presaleState(order, BALANCE_ENDS)).toBe("forfeited");
    expect(presaleState({ status: "pending_payment", expiresAt: 100, presale: order.presale }, 100)).toBe("expired");
  });
});

function saleArbSample() {
  return fc.sample(saleArb, { numRuns: 1, seed: 1 })[0]!.presale!;
}
