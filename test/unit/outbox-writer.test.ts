import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Order, OrderEvent } from "../../src/orders/order.ts";
import { writeParkingRefused } from "../../src/orders/outbox-writer.ts";

function event(seq: number): OrderEvent {
  return { seq, reason: "checkout", order: { id: `ord_x_${seq}` } as Order };
}

/** What the Neon driver throws when Postgres refuses a row, wrapped as drizzle wraps it. */
function refusal(sqlstate: string) {
  const cause = Object.assign(new Error('value "3000000000" is out of range for type integer'), { code: sqlstate });
  return Object.assign(new Error('Failed query: insert into "orders" ... params: [{"id":"ord_x_1","shopper_id":"shp_secret"}]'), { cause });
}

describe("writeParkingRefused", () => {
  it("parks exactly the events Postgres refuses for their data and writes every other one", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.func(fc.boolean()),
        fc.constantFrom("22003", "23514", "23505"),
        async (size, isBad, sqlstate) => {
          const events = Array.from({ length: size }, (_, i) => event(i + 1));
          const bad = new Set(events.filter((e) => isBad(e.seq)).map((e) => e.seq));
          const written = new Set<number>();
          const parked = await writeParkingRefused(events, async (batch) => {
            if (batch.some((e) => bad.has(e.seq))) throw refusal(sqlstate);
            for (const e of batch) written.add(e.seq);
          });
          expect(new Set(parked.map((p) => p.event.seq))).toEqual(bad);
          expect(written).toEqual(new Set(events.filter((e) => !bad.has(e.seq)).map((e) => e.seq)));
          for (const { failure } of parked) {
            expect(failure.sqlstate).toBe(sqlstate);
            expect(failure.summary).not.toContain("shp_secret");
          }
        },
      ),
    );
  });

  it("parks nothing when Postgres is unreachable: the whole batch waits for a retry", async () => {
    const outage = Object.assign(new Error("Failed query: insert ... params: [...]"), {
      cause: new Error("connect ECONNREFUSED 127.0.0.1:5432"),
    });
    await expect(writeParkingRefused([event(1), event(2)], async () => Promise.reject(outage))).rejects.toBe(outage);
  });

  it("does not split a batch on a retryable failure (deadlock, serialization)", async () => {
    let calls = 0;
    const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
    await expect(
      writeParkingRefused([event(1), event(2), event(3)], async () => {
        calls += 1;
        throw deadlock;
      }),
    ).rejects.toBe(deadlock);
    expect(calls).toBe(1);
  });

  it("writes nothing and parks nothing for an empty batch", async () => {
    let calls = 0;
    expect(
      await writeParkingRefused([], async () => {
        calls += 1;
      }),
    ).toEqual([]);
    expect(calls).toBe(0);
  });
});
