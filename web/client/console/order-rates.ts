import type { AdminSale } from "./api-types.ts";

/**
 * Orders per second of each running sale, from successive readings of its object's count of
 * orders ever placed. Timed by the object's own clock (the snapshot's `serverTime`), so a
 * refresh that arrives late or a throttled background tab does not skew the rate.
 */
export class OrderRates {
  private readonly last = new Map<string, { orders: number; at: number }>();
  private readonly rates = new Map<string, number>();

  /** Takes a reading; a sale whose object could not be read keeps its last rate. */
  note(entry: AdminSale): void {
    if (!entry.live) return;
    const sku = entry.sale.sku;
    const now = { orders: entry.live.ordersPlaced, at: entry.live.snapshot.serverTime };
    const before = this.last.get(sku);
    if (before && now.at > before.at) this.rates.set(sku, ((now.orders - before.orders) * 1000) / (now.at - before.at));
    this.last.set(sku, now);
  }

  /** Orders per second over the last interval; undefined until two readings are in. */
  of(sku: string): number | undefined {
    return this.rates.get(sku);
  }
}
