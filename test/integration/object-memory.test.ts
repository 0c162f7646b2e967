import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillSale, runMemoryBenchmark, type MemoryBenchResults } from "../../bench/object-memory.ts";
import { NodeSqliteStorage } from "../../bench/node-sqlite-storage.ts";
import type { Sql } from "../../durable-objects/sku-sale/sqlite-storage.ts";
import { StoredOrders } from "../../durable-objects/sku-sale/stored-orders.ts";

/**
 * Memory that does not grow with the sale (issue 12), as a structure rather than a number:
 * `npm run bench:memory`'s measurement at 2,000 and at 20,000 orders (the same 200 live
 * holds), each cold start in a process of its own. The woken object's heap must not follow
 * the orders, while the old way's does (so the measurement can see growth at all). No time
 * is asserted; bench/results/object-memory.md has the figures at 200,000 orders.
 */
const MB = 1024 * 1024;
const HOLDS = 200;

describe("the SKU object's heap on waking (issue 12)", () => {
  let runs: Record<"small" | "large", MemoryBenchResults>;
  beforeAll(() => {
    runs = {
      small: runMemoryBenchmark({ orders: 2_000, holds: HOLDS, repeats: 1 }),
      large: runMemoryBenchmark({ orders: 20_000, holds: HOLDS, repeats: 1 }),
    };
  });

  it("does not grow with the orders: 18,000 more cost the woken object less than 2 MB", () => {
    const growth = runs.large.median.new.heapBytes - runs.small.median.new.heapBytes;
    expect(growth).toBeLessThan(2 * MB);
    // The same measurement sees the old way, every order in memory, grow by far more.
    const oldGrowth = runs.large.median.old.heapBytes - runs.small.median.old.heapBytes;
    expect(oldGrowth).toBeGreaterThan(8 * MB);
    expect(runs.large.median.new.heapBytes).toBeLessThan(runs.large.median.old.heapBytes / 4);
  });

  it("wakes with the same counts as a book that loaded every order", () => {
    for (const { options, median } of Object.values(runs)) {
      const { ordersPlaced, unitsByStatus, giftsGiven } = median.new;
      expect({ ordersPlaced, unitsByStatus, giftsGiven }).toEqual({
        ordersPlaced: median.old.ordersPlaced,
        unitsByStatus: median.old.unitsByStatus,
        giftsGiven: median.old.giftsGiven,
      });
      expect(ordersPlaced).toBe(options.orders + options.holds);
      expect(unitsByStatus.pending_payment).toBeGreaterThanOrEqual(HOLDS);
      expect(giftsGiven.tote).toBeGreaterThan(0);
    }
  });
});

describe("the stored orders' lookups (issue 12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "stored-orders-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("run every query on an index: none reads the whole orders table", () => {
    const path = join(dir, "indexed.sqlite");
    fillSale(path, { orders: 2_000, holds: 50 });
    const storage = new NodeSqliteStorage(path);
    const queries = new Set<string>();
    const recording: Sql = {
      exec: (query, ...bindings) => {
        queries.add(query);
        return storage.sql.exec(query, ...bindings);
      },
    };
    const orders = new StoredOrders(recording);
    const [held] = orders.liveHolds();
    expect(orders.byId(held!.id)?.status).toBe("pending_payment");
    expect(orders.byKey(held!.shopperId, held!.idempotencyKey)?.id).toBe(held!.id);
    expect(orders.unitsHeldBy(held!.shopperId)).toBeGreaterThanOrEqual(held!.qty);
    expect(orders.tally().orders).toBe(2_050); // the tally written with the orders: one row read
    expect(queries.size).toBe(4); // liveHolds, byId, the shopper's rows (key and units in one read), tally

    for (const query of queries) {
      const plan = storage.sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`).toArray();
      // A UNION ALL (the live holds: unpaid orders and paid deposits) adds lines that only name its parts.
      const reads = plan.map((row) => row.detail).filter((detail) => !/^(COMPOUND QUERY|LEFT-MOST SUBQUERY|UNION ALL)$/.test(detail));
      expect(reads.length, query).toBeGreaterThan(0);
      for (const detail of reads) {
        expect(detail, query).toMatch(/^(SEARCH|SCAN) (orders|sale_state) USING (INTEGER PRIMARY KEY|(COVERING )?INDEX) /);
      }
    }
    storage.close();
  });

  it("count the orders once when no tally is stored (storage just upgraded), and keep the count", () => {
    const path = join(dir, "uncounted.sqlite");
    fillSale(path, { orders: 2_000, holds: 50 });
    const storage = new NodeSqliteStorage(path);
    const orders = new StoredOrders(storage.sql);
    const written = orders.tally();
    storage.sql.exec(`UPDATE sale_state SET tally = NULL`);
    expect(orders.tally()).toEqual(written);
    expect(JSON.parse(storage.sql.exec<{ tally: string }>(`SELECT tally FROM sale_state`).one().tally)).toEqual(written);
    storage.close();
  });
});
