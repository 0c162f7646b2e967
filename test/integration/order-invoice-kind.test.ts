import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { newOrderId, type Order } from "../../src/orders/order.ts";
import { writeOrderEvents } from "../../src/orders/order-sink.ts";
import { readOrder } from "../../durable-objects/sku-sale/stored-orders.ts";

/**
 * The invoice chosen at payment (issue 16) lands in `orders.invoice_kind`, which the points
 * earning SQL reads for the electronic invoice's double points.
 */
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

const T0 = Date.UTC(2026, 10, 11);

function pending(sku: string): Order {
  return {
    id: newOrderId(sku),
    sku,
    shopperId: `shopper-${crypto.randomUUID().slice(0, 8)}`,
    qty: 1,
    unitPrices: [39_900],
    discounts: [],
    ranks: [1],
    totalAmount: 39_900,
    currency: "CNY",
    tier: null,
    status: "pending_payment",
    idempotencyKey: crypto.randomUUID(),
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + 900_000,
    paymentRef: null,
    version: 1,
    gift: null,
    invoiceKind: null,
  };
}

async function invoiceKinds(ids: string[]): Promise<Record<string, string | null>> {
  const rows = await database.db.execute<{ id: string; invoice_kind: string | null }>(
    sql`select id, invoice_kind from orders where id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return Object.fromEntries(rows.rows.map((row) => [row.id, row.invoice_kind]));
}

describe("orders.invoice_kind", () => {
  it("is written with the paid order: electronic or paper as chosen, null while unpaid", async () => {
    const sku = `inv-kind-${crypto.randomUUID().slice(0, 8)}`;
    const electronic = pending(sku);
    const paper = pending(sku);
    const unpaid = pending(sku);
    await writeOrderEvents(database.db, [
      { seq: 1, order: electronic, reason: "checkout" },
      { seq: 2, order: paper, reason: "checkout" },
      { seq: 3, order: unpaid, reason: "checkout" },
    ]);
    const pay = (order: Order, kind: "paper" | "electronic"): Order => ({
      ...order,
      status: "paid",
      updatedAt: T0 + 60_000,
      expiresAt: null,
      paymentRef: `pay_${order.id}`,
      version: 2,
      invoiceKind: kind,
    });
    await writeOrderEvents(database.db, [
      { seq: 4, order: pay(electronic, "electronic"), reason: "payment confirmed" },
      { seq: 5, order: pay(paper, "paper"), reason: "payment confirmed" },
    ]);
    expect(await invoiceKinds([electronic.id, paper.id, unpaid.id])).toEqual({
      [electronic.id]: "electronic",
      [paper.id]: "paper",
      [unpaid.id]: null,
    });
  });

  it("reads as null on an order stored before the choice existed", () => {
    const { invoiceKind: _, ...before } = pending("old-sku");
    expect(readOrder(JSON.stringify(before)).invoiceKind).toBeNull();
  });
});
