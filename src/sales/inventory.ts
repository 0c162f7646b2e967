/**
 * The units of one SKU on sale, numbered by sale rank 1..stock. The rank decides a unit's
 * price tier, so units always go out lowest rank first, and a unit that comes back (a
 * cancelled or expired hold) is the next to go out again. That keeps every tier selling
 * exactly its size however many holds are released along the way.
 *
 * Pure in-memory state: the Durable Object persists what it needs and rebuilds this.
 */
import type { StockUnits } from "./stock-units.ts";

export class Inventory implements StockUnits {
  private stock: number;
  /** The lowest rank never handed out. */
  private nextFresh: number;
  /** Ranks handed out and given back, ascending. */
  private returned: number[];

  constructor(stock: number, nextFresh = 1, returned: number[] = []) {
    this.stock = stock;
    this.nextFresh = nextFresh;
    this.returned = [...returned].sort((a, b) => a - b);
  }

  get total(): number {
    return this.stock;
  }

  /** Units handed out and not given back: those sold or held. */
  get out(): number {
    return this.nextFresh - 1 - this.returned.length;
  }

  /**
   * Units that can be sold right now. Usually the returned ranks plus the fresh ones up to
   * the stock; when the stock was lowered below the highest rank handed out, fewer: the
   * lowest returned ranks only, the rest parked until a top-up brings them back.
   */
  get available(): number {
    return Math.max(0, this.stock - this.out);
  }

  /** The rank the next unit sold will have, or null when none is left. */
  get nextRank(): number | null {
    if (this.available === 0) return null;
    return this.returned[0] ?? this.nextFresh;
  }

  /** The persisted form: enough to rebuild the same inventory. */
  get state(): { stock: number; nextFresh: number; returned: number[] } {
    return { stock: this.stock, nextFresh: this.nextFresh, returned: [...this.returned] };
  }

  /** Takes the `qty` lowest available ranks, or null (taking nothing) when fewer are left. */
  take(qty: number): number[] | null {
    if (!Number.isInteger(qty) || qty <= 0 || qty > this.available) return null;
    const fromReturned = this.returned.splice(0, Math.min(qty, this.returned.length));
    const ranks = [...fromReturned];
    while (ranks.length < qty) ranks.push(this.nextFresh++);
    return ranks;
  }

  /** Puts ranks back on sale. Each rank must have been taken and not already returned. */
  giveBack(ranks: readonly number[]): void {
    for (const rank of ranks) {
      if (rank < 1 || rank >= this.nextFresh || this.returned.includes(rank)) {
        throw new Error(`rank ${rank} is not out, so it cannot come back`);
      }
    }
    this.returned = [...this.returned, ...ranks].sort((a, b) => a - b);
  }

  /**
   * Sets the stock (a marketer's top-up, or a cut). It may never go below the units out:
   * sold or held units stay sold or held.
   */
  setStock(stock: number): void {
    if (!Number.isInteger(stock) || stock < this.out) {
      throw new Error(`stock ${stock} is below the ${this.out} units sold or held`);
    }
    this.stock = stock;
  }
}
