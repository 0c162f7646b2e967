import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { saleDraftSchema, validateSale } from "../../src/sales/sale-config.ts";
import { ShardStock } from "../../src/sales/shard-stock.ts";
import { leaseSize, MAX_SHARDS, parseObjectName, shardObjectName, shardOf } from "../../src/sales/shards.ts";

describe("routing shoppers to shards (issue 12)", () => {
  it("sends a shopper to the same shard every time, and one shard only when there is one", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: MAX_SHARDS }), (shopper, shards) => {
        const shard = shardOf(shopper, shards);
        expect(shard).toBe(shardOf(shopper, shards));
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(shards);
      }),
    );
    expect(shardOf("anyone", 1)).toBe(0);
  });

  it("spreads shoppers evenly: 8,000 random ids over 8 shards, each within 15 % of 1,000", () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8_000; i++) counts[shardOf(crypto.randomUUID(), 8)] += 1;
    for (const count of counts) expect(Math.abs(count - 1_000)).toBeLessThan(150);
  });

  it("matches the published FNV-1a test vectors (32-bit): 'a' → 0xe40c292c, 'foobar' → 0xbf9cf968", () => {
    // http://www.isthe.com/chongo/src/fnv/test_fnv.c: the hash mod 2^32 - 1 … mod K keeps them.
    expect(shardOf("a", 0xffffffff)).toBe(0xe40c292c % 0xffffffff);
    expect(shardOf("foobar", 0xffffffff)).toBe(0xbf9cf968 % 0xffffffff);
  });

  it("names a shard's object after its SKU, and reads the name back", () => {
    expect(shardObjectName("earbuds-1111", 3)).toBe("earbuds-1111~3");
    expect(parseObjectName("earbuds-1111~3")).toEqual({ sku: "earbuds-1111", shard: 3 });
    expect(parseObjectName("earbuds-1111")).toEqual({ sku: "earbuds-1111", shard: null });
  });

  it("leases about a sixteenth of a shard's share, at least 1 and at most 256 units", () => {
    expect(leaseSize(60, 2)).toBe(1);
    expect(leaseSize(10_000, 8)).toBe(78);
    expect(leaseSize(1_000_000, 2)).toBe(256);
    expect(leaseSize(1, 16)).toBe(1);
  });
});

describe("ShardStock", () => {
  it("sells the lowest dealt rank first, takes a returned rank back, and surrenders what is unsold", () => {
    const stock = new ShardStock();
    expect(stock.take(1)).toBeNull();
    stock.receive([7, 3, 5]);
    expect(stock.take(2)).toEqual([3, 5]);
    stock.giveBack([3]);
    expect(stock.nextRank).toBe(3);
    expect(stock.state).toEqual({ ranks: [3, 7], out: 1 });
    expect(stock.surrender()).toEqual([3, 7]);
    expect(stock.available).toBe(0);
    expect(stock.total).toBe(1);
    expect(() => stock.giveBack([5, 9])).toThrow(/only 1 are out/);
    expect(() => new ShardStock({ ranks: [4], out: 0 }).receive([4])).toThrow(/twice/);
  });

  it("never loses or doubles a rank, whatever the order of leases, sales, returns and recalls", () => {
    type Step = { kind: "receive"; n: number } | { kind: "take"; qty: number } | { kind: "giveBack" } | { kind: "surrender" };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("receive" as const), n: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("take" as const), qty: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("giveBack" as const) }),
      fc.record({ kind: fc.constant("surrender" as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const stock = new ShardStock();
        let nextRank = 1;
        const sold: number[] = [];
        const surrendered: number[] = [];
        for (const s of steps) {
          if (s.kind === "receive") {
            stock.receive(Array.from({ length: s.n }, () => nextRank++));
          } else if (s.kind === "take") {
            const taken = stock.take(s.qty);
            if (taken) sold.push(...taken);
          } else if (s.kind === "giveBack") {
            if (sold.length > 0) stock.giveBack([sold.shift()!]);
          } else {
            surrendered.push(...stock.surrender());
          }
          // Every rank dealt is in exactly one place: unsold here, sold, or surrendered.
          const everywhere = [...stock.state.ranks, ...sold, ...surrendered].sort((a, b) => a - b);
          expect(everywhere).toEqual(Array.from({ length: nextRank - 1 }, (_, i) => i + 1));
          expect(stock.out).toBe(sold.length);
          expect(stock.total).toBe(stock.available + sold.length);
        }
      }),
    );
  });
});

describe("a sale's shards setting", () => {
  const base = {
    sku: "earbuds-1111",
    title: "Earbuds",
    listPrice: 59_900,
    stock: 100,
    startsAt: 1_000,
    endsAt: 2_000,
  };

  it("defaults to one object, and takes 1..16", () => {
    expect(validateSale(saleDraftSchema, base)).toMatchObject({ ok: true, value: { shards: 1 } });
    expect(validateSale(saleDraftSchema, { ...base, shards: 8 })).toMatchObject({ ok: true, value: { shards: 8 } });
    expect(validateSale(saleDraftSchema, { ...base, shards: 17 })).toEqual({ ok: false, problems: ["shards: must be at most 16"] });
    expect(validateSale(saleDraftSchema, { ...base, shards: 0 })).toEqual({ ok: false, problems: ["shards: must be at least 1"] });
  });

  it("refuses gifts on a sharded sale (gift stock is counted in one object), and more shards than units", () => {
    const gift = { id: "case", title: "A case", startsAt: 1_000, endsAt: 2_000, stock: 10 };
    const withGift = validateSale(saleDraftSchema, { ...base, shards: 4, gifts: [gift] });
    expect(withGift).toEqual({
      ok: false,
      problems: ["shards: a sale with gifts sells from one object: set shards to 1 or remove the gifts"],
    });
    expect(validateSale(saleDraftSchema, { ...base, stock: 3, shards: 4 })).toEqual({
      ok: false,
      problems: ["shards: must be at most the stock (3)"],
    });
  });
});
