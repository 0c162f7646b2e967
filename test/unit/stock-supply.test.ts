import { describe, expect, it } from "vitest";
import { StockSupply, type SupplyHost } from "../../durable-objects/sku-sale/stock-supply.ts";
import type { StockTransfer } from "../../durable-objects/sku-sale/store.ts";
import { fail, succeed, type Result } from "../../src/errors.ts";
import { ShardStock } from "../../src/sales/shard-stock.ts";

/** A shard's supply over an in-memory ledger and a primary the test answers for. */
function shard(primary: (leaseId: string, want: number) => Promise<Result<number[]>>) {
  const ledger = new Map<string, StockTransfer>();
  const stock = new ShardStock();
  const asked: string[] = [];
  let retries = 0;
  const host: SupplyHost = {
    shard: 1,
    stock: () => stock,
    primary: () => ({
      lease: (_shard, leaseId, want) => {
        asked.push(leaseId);
        return primary(leaseId, want);
      },
    }),
    transfer: (id) => ledger.get(id) ?? null,
    unsettled: () => [...ledger.values()].filter((t) => t.kind === "lease" && !t.settled),
    record: (transfer) => ledger.set(transfer.id, transfer),
    retrySoon: () => {
      retries += 1;
    },
    now: () => 0,
  };
  return { supply: new StockSupply(host), stock, ledger, asked, retries: () => retries };
}

describe("a shard's supply of units (durable-objects/sku-sale/stock-supply.ts)", () => {
  it("keeps a lease the primary did not answer, asks for an alarm, and takes its ranks when asked again", async () => {
    let up = false;
    const { supply, stock, ledger, retries } = shard(async () => {
      if (!up) throw new Error("primary unreachable");
      return succeed([1, 2, 3]);
    });
    expect(await supply.refill(3)).toBe(0);
    expect(retries()).toBe(1);
    const [pending] = [...ledger.values()];
    expect(pending).toMatchObject({ kind: "lease", settled: false });

    up = true;
    expect(await supply.resume()).toBe(3);
    expect(stock.state).toEqual({ ranks: [1, 2, 3], out: 0 });
    expect(ledger.get(pending!.id)).toMatchObject({ settled: true, ranks: [1, 2, 3] });
  });

  it("does not ask a lease again while its question is on its way (an alarm during a refill)", async () => {
    let answer: (ranks: Result<number[]>) => void = () => {};
    const { supply, stock, asked } = shard(() => new Promise((resolve) => (answer = resolve)));
    const refilling = supply.refill(2);
    await Promise.resolve();
    await supply.resume(); // the alarm: the lease is being asked, so it is left alone
    expect(asked).toHaveLength(1);
    answer(succeed([4, 5]));
    expect(await refilling).toBe(2);
    expect(stock.available).toBe(2);
  });

  it("after the primary had none, asks no more for a quarter second; a refused lease is asked again soon", async () => {
    const empty = shard(async () => succeed([]));
    expect(await empty.supply.refill(1)).toBe(0);
    expect(await empty.supply.refill(1)).toBe(0);
    expect(empty.asked).toHaveLength(1);

    const refused = shard(async () => fail("not_found", "no sale"));
    expect(await refused.supply.refill(1)).toBe(0);
    expect(refused.retries()).toBe(1);
  });
});
