import type { StockUnits } from "./stock-units.ts";

/** A shard's units as stored: the ranks it may sell now, and how many it sold or holds. */
export interface ShardStockState {
  ranks: number[];
  out: number;
}

/**
 * The units of one shard of a sharded sale (issue 12): ranks dealt to it by the sale's
 * primary object in leases, sold lowest first, and surrendered back when the primary
 * recalls them for a shard that ran dry. Ranks are global sale ranks, so a unit's price is
 * its rank's tier price wherever it is sold, and every tier sells exactly its size.
 */
export class ShardStock implements StockUnits {
  /** Ranks this shard may sell, ascending. */
  private ranks: number[];
  private sold: number;

  constructor(state: ShardStockState = { ranks: [], out: 0 }) {
    this.ranks = [...state.ranks].sort((a, b) => a - b);
    this.sold = state.out;
  }

  get total(): number {
    return this.ranks.length + this.sold;
  }

  get out(): number {
    return this.sold;
  }

  get available(): number {
    return this.ranks.length;
  }

  get nextRank(): number | null {
    return this.ranks[0] ?? null;
  }

  get state(): ShardStockState {
    return { ranks: [...this.ranks], out: this.sold };
  }

  take(qty: number): number[] | null {
    if (!Number.isInteger(qty) || qty <= 0 || qty > this.ranks.length) return null;
    this.sold += qty;
    return this.ranks.splice(0, qty);
  }

  giveBack(ranks: readonly number[]): void {
    if (ranks.length > this.sold) throw new Error(`${ranks.length} ranks cannot come back: only ${this.sold} are out`);
    this.sold -= ranks.length;
    this.receive(ranks);
  }

  /** A shard's stock follows its leases, not the configured stock (the primary holds that). */
  setStock(): void {}

  /** Ranks the primary dealt to this shard. */
  receive(ranks: readonly number[]): void {
    for (const rank of ranks) {
      if (!Number.isInteger(rank) || rank < 1 || this.ranks.includes(rank)) throw new Error(`rank ${rank} cannot be received twice`);
    }
    this.ranks = [...this.ranks, ...ranks].sort((a, b) => a - b);
  }

  /** Gives up every available rank (the primary recalls them for a shard that ran dry). */
  surrender(): number[] {
    const ranks = this.ranks;
    this.ranks = [];
    return ranks;
  }
}
