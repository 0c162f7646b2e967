/**
 * The units an order book sells from, by sale rank (the rank decides a unit's price tier).
 * A SKU sold by one object holds them all (Inventory); each shard of a sharded sale holds
 * the ranks it was dealt (ShardStock), and the sale's primary object deals them.
 */
export interface StockUnits {
  /** Units this holder is responsible for: those available plus those sold or held. */
  readonly total: number;
  /** Units handed out and not given back: those sold or held. */
  readonly out: number;
  /** Units that can be sold right now. */
  readonly available: number;
  /** The rank the next unit sold will have, or null when none is left. */
  readonly nextRank: number | null;
  /** The persisted form: enough to rebuild the same holder. */
  readonly state: object;
  /** Takes the `qty` lowest available ranks, or null (taking nothing) when fewer are left. */
  take(qty: number): number[] | null;
  /** Puts ranks back on sale. Each rank must have been taken and not already returned. */
  giveBack(ranks: readonly number[]): void;
  /** Follows the sale's configured stock (a top-up or a cut); a shard's stock is dealt, not configured. */
  setStock(stock: number): void;
}
