import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Inventory } from "../../src/sales/inventory.ts";

describe("Inventory", () => {
  it("hands out the lowest ranks first, and a returned rank is the next to go out again", () => {
    const inventory = new Inventory(5);
    expect(inventory.take(2)).toEqual([1, 2]);
    expect(inventory.take(1)).toEqual([3]);
    inventory.giveBack([2]);
    expect(inventory.nextRank).toBe(2);
    expect(inventory.take(2)).toEqual([2, 4]);
    expect(inventory.state).toEqual({ stock: 5, nextFresh: 5, returned: [] });
  });

  it("takes nothing when fewer units are left than asked for, or for a bad quantity", () => {
    const inventory = new Inventory(3);
    expect(inventory.take(4)).toBeNull();
    expect(inventory.take(0)).toBeNull();
    expect(inventory.take(1.5)).toBeNull();
    expect(inventory.available).toBe(3);
  });

  it("never lets stock go below the units out, and after a cut sells only what is left", () => {
    const inventory = new Inventory(10);
    inventory.take(6);
    inventory.giveBack([1, 2]);
    expect(() => inventory.setStock(3)).toThrow(/below the 4 units/);
    inventory.setStock(5);
    expect(inventory.available).toBe(1);
    expect(inventory.take(1)).toEqual([1]);
    expect(inventory.take(1)).toBeNull();
  });

  it("refuses to take back a rank that is not out", () => {
    const inventory = new Inventory(4);
    inventory.take(2);
    expect(() => inventory.giveBack([3])).toThrow();
    inventory.giveBack([1]);
    expect(() => inventory.giveBack([1])).toThrow();
  });

  it("keeps out + available = stock and distinct ranks out, whatever is taken and given back", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 5 })), { maxLength: 60 }),
        (stock, steps) => {
          const inventory = new Inventory(stock);
          const out: number[][] = [];
          for (const [take, n] of steps) {
            if (take) {
              const ranks = inventory.take(n);
              if (ranks) out.push(ranks);
            } else if (out.length > 0) {
              inventory.giveBack(out.splice(n % out.length, 1)[0]!);
            }
            const flat = out.flat();
            expect(new Set(flat).size).toBe(flat.length);
            expect(inventory.out).toBe(flat.length);
            expect(inventory.out + inventory.available).toBe(stock);
          }
          const { stock: s, nextFresh, returned } = inventory.state;
          expect(new Inventory(s, nextFresh, returned).state).toEqual(inventory.state);
        },
      ),
      { numRuns: 500 },
    );
  });
});
