import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { writeOrderEvents } from "../../src/orders/order-sink.ts";
import { outboxEvent, paidOrder, pendingOrder, testShopper } from "../support/paid-orders.ts";
import { withPostgres } from "./postgres-support.ts";

// The follow-up sequences' triggers (issue 17) are written by the event store in the statement
// that writes the outbox's order events: one per new event that raises one, none on a replay.

async function writeBatches(...batches: Parameters<typeof writeOrderEvents>[1][]) {
  const { db, close } = openDatabase(databaseSettings(env));
  try {
    for (const batch of batches) await writeOrderEvents(db, batch);
  } finally {
    await close();
  }
}

const triggersOf = (shopperId: string) =>
  withPostgres(async (pool) => {
    // Not `taken_at`: another file's scheduled jobs may take them meanwhile (one Postgres for every test).
    const { rows } = await pool.query<{ id: string; kind: string; payload: Record<string, unknown> }>(
      "select id, kind, payload from sequence_triggers where shopper_id = $1 order by id",
      [shopperId],
    );
    return rows;
  });

describe("sequence triggers from the outbox", () => {
  it("raises order_paid once for a paid order, even when the batch is replayed", async () => {
    const shopperId = testShopper();
    const order = pendingOrder(shopperId, 19_900);
    const paid = outboxEvent(paidOrder(order));
    await writeBatches([outboxEvent(order)], [paid], [paid]);

    const triggers = await triggersOf(shopperId);
    expect(triggers).toEqual([
      {
        id: `order_paid:${order.id}:paid`,
        kind: "order_paid",
        payload: expect.objectContaining({ eventId: `${order.id}:paid`, orderId: order.id, sku: order.sku, amount: 19_900 }),
      },
    ]);
  });

  it("raises checkout_abandoned for an order that expired or was cancelled unpaid", async () => {
    const shopperId = testShopper();
    const expiring = pendingOrder(shopperId, 5_000);
    const cancelled = pendingOrder(shopperId, 7_000);
    await writeBatches(
      [outboxEvent(expiring), outboxEvent(cancelled)],
      [
        outboxEvent({ ...expiring, status: "expired", version: 2, updatedAt: expiring.updatedAt + 900_000 }),
        outboxEvent({ ...cancelled, status: "cancelled", version: 2, updatedAt: cancelled.updatedAt + 60_000 }),
      ],
    );

    const triggers = await triggersOf(shopperId);
    expect(triggers.map((t) => [t.kind, t.payload.orderId]).sort()).toEqual(
      [
        ["checkout_abandoned", cancelled.id],
        ["checkout_abandoned", expiring.id],
      ].sort(),
    );
  });

  it("raises nothing for an order only created", async () => {
    const shopperId = testShopper();
    await writeBatches([outboxEvent(pendingOrder(shopperId, 1_000))]);
    expect(await triggersOf(shopperId)).toEqual([]);
  });
});
