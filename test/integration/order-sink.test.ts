import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { newOrderId, type Order, type OrderEvent, type OrderStatus } from "../../src/orders/order.ts";
import { orderTotalsBySku, writeOrderEvents } from "../../src/orders/order-sink.ts";

// The test database is shared (and, with DATABASE_URL, may hold other rows): every test
// works on SKUs and orders of its own and only ever reads those back.
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

const T0 = Date.UTC(2026, 10, 11, 0, 0, 0);
const HOLD_MS = 15 * 60_000;

function uniqueSku(): string {
  return `sink-${crypto.randomUUID().slice(0, 8)}`;
}

/** A fresh order in `pending_payment`, version 1. */
function pendingOrder(sku: string, overrides: Partial<Order> = {}): Order {
  const qty = overrides.qty ?? 2;
  const unitPrices = Array.from({ length: qty }, (_, i) => 9_900 + i * 100);
  return {
    id: newOrderId(sku),
    sku,
    shopperId: `shopper-${crypto.randomUUID().slice(0, 8)}`,
    qty,
    unitPrices,
    discounts: [],
    ranks: Array.from({ length: qty }, (_, i) => i + 1),
    totalAmount: unitPrices.reduce((a, b) => a + b, 0),
    currency: "CNY",
    tier: "early bird",
    status: "pending_payment",
    idempotencyKey: crypto.randomUUID(),
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + HOLD_MS,
    paymentRef: null,
    version: 1,
    gift: null,
    invoiceKind: null,
    ...overrides,
  };
}

function paid(order: Order, at = order.updatedAt + 30_000): Order {
  return { ...order, status: "paid", updatedAt: at, expiresAt: null, paymentRef: `pay_${order.id}`, version: order.version + 1 };
}

function expired(order: Order): Order {
  return {
    ...order,
    status: "expired",
    updatedAt: order.expiresAt ?? order.updatedAt + HOLD_MS,
    expiresAt: null,
    version: order.version + 1,
  };
}

let seq = 0;
function event(order: Order, reason: string | null = null): OrderEvent {
  return { seq: ++seq, order, reason };
}

interface OrderRow {
  id: string;
  status: OrderStatus;
  version: number;
  qty: number;
  unit_prices: number[];
  ranks: number[];
  /** bigint in Postgres; read as float8, exact far past any order total. */
  total_amount: number;
  tier: string | null;
  payment_ref: string | null;
  gift_id: string | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
}

async function ordersOf(sku: string): Promise<OrderRow[]> {
  const { rows } = await database.pool.query<OrderRow>(
    `select id, status, version, qty, unit_prices, ranks, total_amount::float8 as total_amount, tier, payment_ref, gift_id, created_at, updated_at, expires_at
       from orders where sku = $1 order by id`,
    [sku],
  );
  return rows;
}

interface HistoryRow {
  order_id: string;
  status: OrderStatus;
  reason: string | null;
  at: Date;
}

async function historyOf(sku: string): Promise<HistoryRow[]> {
  const { rows } = await database.pool.query<HistoryRow>(
    `select h.order_id, h.status, h.reason, h.at
       from order_status_history h join orders o on o.id = h.order_id
      where o.sku = $1 order by h.order_id, h.at, h.status`,
    [sku],
  );
  return rows;
}

describe("writeOrderEvents", () => {
  it("writes a batch twice (a retried commit) as if once: each order once, one history row per status", async () => {
    const sku = uniqueSku();
    const a = pendingOrder(sku, { gift: { id: "tote-bag", title: "Tote bag" } });
    const b = pendingOrder(sku, { qty: 1 });
    const c = pendingOrder(sku, { qty: 3, tier: null });
    const batch = [event(a), event(b), event(c), event(paid(a), "paid"), event(expired(c), "hold expired")];

    await writeOrderEvents(database.db, batch);
    await writeOrderEvents(database.db, batch);

    const rows = await ordersOf(sku);
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(a.id)).toMatchObject({
      status: "paid",
      version: 2,
      qty: 2,
      unit_prices: [9_900, 10_000],
      ranks: [1, 2],
      total_amount: 19_900,
      tier: "early bird",
      payment_ref: `pay_${a.id}`,
      gift_id: "tote-bag",
      created_at: new Date(T0),
      updated_at: new Date(T0 + 30_000),
      expires_at: null,
    });
    expect(byId.get(b.id)).toMatchObject({
      status: "pending_payment",
      version: 1,
      payment_ref: null,
      gift_id: null,
      expires_at: new Date(T0 + HOLD_MS),
    });
    expect(byId.get(c.id)).toMatchObject({ status: "expired", version: 2, tier: null, expires_at: null });

    const history = await historyOf(sku);
    expect(history).toHaveLength(5);
    expect(history.filter((row) => row.order_id === a.id).map((row) => row.status)).toEqual(["pending_payment", "paid"]);
    expect(history.filter((row) => row.order_id === b.id).map((row) => row.status)).toEqual(["pending_payment"]);
    expect(history.filter((row) => row.order_id === c.id).map((row) => row.status)).toEqual(["pending_payment", "expired"]);
  });

  it("never moves an order backwards when a stale snapshot arrives after a newer one", async () => {
    const sku = uniqueSku();
    const pending = pendingOrder(sku);
    const done = paid(pending);

    const expectPaid = async () => {
      const [row, ...rest] = await ordersOf(sku);
      expect(rest).toEqual([]);
      expect(row).toMatchObject({
        id: pending.id,
        status: "paid",
        version: 2,
        updated_at: new Date(done.updatedAt),
        expires_at: null,
        payment_ref: `pay_${pending.id}`,
      });
    };

    await writeOrderEvents(database.db, [event(done, "paid")]);
    await writeOrderEvents(database.db, [event(pending)]);
    await expectPaid();
    // Within one batch too: the newest snapshot wins wherever it sits.
    await writeOrderEvents(database.db, [event(done, "paid"), event(pending)]);
    await expectPaid();
    // The late pending event is still a true part of the order's past: recorded once.
    const history = await historyOf(sku);
    expect(history.map((h) => h.status)).toEqual(["pending_payment", "paid"]);
  });

  it("keeps an order's discount lines (issue 14): changed while unpaid, as they stood once paid", async () => {
    const sku = uniqueSku();
    const line = { couponId: "cpn_c-300-50_aaaaaaaaaaaaaaaa", templateId: "c-300-50", title: "满300减50", amount: 5_000 };
    const pending = pendingOrder(sku, { discounts: [line], totalAmount: 19_900 - 5_000 });
    const switched: Order = {
      ...pending,
      discounts: [{ ...line, couponId: "cpn_c-pct_bbbbbbbbbbbbbbbb", templateId: "c-pct", title: "12% off", amount: 2_388 }],
      totalAmount: 19_900 - 2_388,
      version: 2,
    };
    await writeOrderEvents(database.db, [event(pending), event(switched, "coupons applied")]);
    await writeOrderEvents(database.db, [event(paid(switched))]);
    const { rows } = await database.pool.query<{ discount_lines: unknown; total: number }>(
      "select discount_lines, total_amount::float8 as total from orders where sku = $1",
      [sku],
    );
    expect(rows).toEqual([{ discount_lines: switched.discounts, total: 17_512 }]);
    // Orders written before coupons existed read as none.
    const plain = pendingOrder(uniqueSku());
    await writeOrderEvents(database.db, [event(plain)]);
    const { rows: none } = await database.pool.query("select discount_lines from orders where id = $1", [plain.id]);
    expect(none).toEqual([{ discount_lines: [] }]);
  });

  it("records pending → paid and pending → expired as two history rows each, with reasons and times", async () => {
    const sku = uniqueSku();
    const toPay = pendingOrder(sku);
    const toExpire = pendingOrder(sku, { qty: 1 });
    await writeOrderEvents(database.db, [event(toPay, "reserved"), event(toExpire, "reserved")]);
    await writeOrderEvents(database.db, [event(paid(toPay, T0 + 60_000), "payment confirmed")]);
    await writeOrderEvents(database.db, [event(expired(toExpire), "hold expired")]);

    const history = await historyOf(sku);
    expect(history.filter((h) => h.order_id === toPay.id)).toEqual([
      { order_id: toPay.id, status: "pending_payment", reason: "reserved", at: new Date(T0) },
      { order_id: toPay.id, status: "paid", reason: "payment confirmed", at: new Date(T0 + 60_000) },
    ]);
    expect(history.filter((h) => h.order_id === toExpire.id)).toEqual([
      { order_id: toExpire.id, status: "pending_payment", reason: "reserved", at: new Date(T0) },
      { order_id: toExpire.id, status: "expired", reason: "hold expired", at: new Date(T0 + HOLD_MS) },
    ]);
    const rows = await ordersOf(sku);
    expect(rows.find((r) => r.id === toPay.id)).toMatchObject({ status: "paid", version: 2 });
    expect(rows.find((r) => r.id === toExpire.id)).toMatchObject({ status: "expired", version: 2, expires_at: null });
  });

  it("writes 1,000 events for 500 orders in one call", async () => {
    const sku = uniqueSku();
    const events: OrderEvent[] = [];
    let rank = 0;
    const created = Array.from({ length: 500 }, (_, i) => {
      const qty = (i % 3) + 1;
      const unitPrices = Array.from({ length: qty }, (_, u) => 5_000 + ((i + u) % 7) * 10);
      return pendingOrder(sku, {
        qty,
        unitPrices,
        totalAmount: unitPrices.reduce((a, b) => a + b, 0),
        ranks: Array.from({ length: qty }, () => ++rank),
        createdAt: T0 + i,
        updatedAt: T0 + i,
      });
    });
    for (const order of created) events.push(event(order));
    for (const [i, order] of created.entries())
      events.push(i % 2 === 0 ? event(paid(order), "paid") : event(expired(order), "hold expired"));
    expect(events).toHaveLength(1_000);

    await writeOrderEvents(database.db, events);

    const { rows } = await database.pool.query<{ orders: number; qty: number; total: number; paid: number; expired: number; v2: number }>(
      `select count(*)::int as orders, sum(qty)::int as qty, sum(total_amount)::float8 as total,
              (count(*) filter (where status = 'paid'))::int as paid,
              (count(*) filter (where status = 'expired'))::int as expired,
              (count(*) filter (where version = 2))::int as v2
         from orders where sku = $1`,
      [sku],
    );
    expect(rows[0]).toEqual({
      orders: 500,
      qty: created.reduce((n, o) => n + o.qty, 0),
      total: created.reduce((n, o) => n + o.totalAmount, 0),
      paid: 250,
      expired: 250,
      v2: 500,
    });
    const history = await database.pool.query<{ n: number }>(
      "select count(*)::int as n from order_status_history h join orders o on o.id = h.order_id where o.sku = $1",
      [sku],
    );
    expect(history.rows[0]!.n).toBe(1_000);
  });

  it("lets concurrent writers with overlapping batches all succeed, without duplicates", async () => {
    const sku = uniqueSku();
    const created = Array.from({ length: 90 }, () => pendingOrder(sku));
    const finals = created.map((order, i) => (i % 2 === 0 ? paid(order) : expired(order)));
    const all = [...created.map((o) => event(o)), ...finals.map((o) => event(o, o.status))];
    // Four writers, each a different overlapping slice in a different order, as retries
    // and overlapping group commits would produce.
    const slices = [all.slice(0, 120), all.slice(40, 180).reverse(), [...all.slice(60, 180), ...all.slice(0, 30)], shuffled(all)];

    await Promise.all(slices.map((slice) => writeOrderEvents(database.db, slice)));

    const rows = await ordersOf(sku);
    expect(rows).toHaveLength(90);
    const want = new Map(finals.map((o) => [o.id, o]));
    for (const row of rows) {
      const final = want.get(row.id)!;
      expect(row).toMatchObject({ status: final.status, version: 2, updated_at: new Date(final.updatedAt) });
    }
    const history = await historyOf(sku);
    expect(history).toHaveLength(180);
    expect(new Set(history.map((h) => `${h.order_id}/${h.status}`)).size).toBe(180);
  });

  it("scopes an Idempotency-Key to a shopper and a SKU", async () => {
    const skuA = uniqueSku();
    const skuB = uniqueSku();
    const first = pendingOrder(skuA);
    const sameKeyOtherSku = pendingOrder(skuB, { shopperId: first.shopperId, idempotencyKey: first.idempotencyKey });
    await writeOrderEvents(database.db, [event(first), event(sameKeyOtherSku)]);
    expect(await ordersOf(skuA)).toHaveLength(1);
    expect(await ordersOf(skuB)).toHaveLength(1);

    // Within one SKU the key still names one order; the whole batch is refused, atomically.
    const innocent = pendingOrder(skuA);
    const sameKeySameSku = pendingOrder(skuA, { shopperId: first.shopperId, idempotencyKey: first.idempotencyKey });
    await expect(writeOrderEvents(database.db, [event(innocent), event(sameKeySameSku)])).rejects.toThrow();
    expect((await ordersOf(skuA)).map((r) => r.id)).toEqual([first.id]);
  });

  it("does nothing for an empty batch", async () => {
    await expect(writeOrderEvents(database.db, [])).resolves.toBeUndefined();
  });
});

describe("orderTotalsBySku", () => {
  it("counts orders and units by status exactly", async () => {
    const sku = uniqueSku();
    const orders = [
      pendingOrder(sku, { qty: 1 }),
      pendingOrder(sku, { qty: 2 }),
      paid(pendingOrder(sku, { qty: 3 })),
      paid(pendingOrder(sku, { qty: 4 })),
      paid(pendingOrder(sku, { qty: 5 })),
      expired(pendingOrder(sku, { qty: 6 })),
      { ...pendingOrder(sku, { qty: 7 }), status: "cancelled" as const, version: 2 },
    ];
    // An order of another SKU must not count.
    await writeOrderEvents(database.db, [...orders.map((o) => event(o)), event(pendingOrder(uniqueSku(), { qty: 9 }))]);

    expect(await orderTotalsBySku(database.db, sku)).toEqual({
      orders: 7,
      unitsByStatus: { pending_payment: 3, paid: 12, cancelled: 7, expired: 6, deposit_paid: 0, forfeited: 0 },
    });
    expect(await orderTotalsBySku(database.db, uniqueSku())).toEqual({
      orders: 0,
      unitsByStatus: { pending_payment: 0, paid: 0, cancelled: 0, expired: 0, deposit_paid: 0, forfeited: 0 },
    });
  });
});

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
