import { OrderBook } from "../../src/orders/order-book.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import type { SaleStore } from "./store.ts";

/**
 * The order book of the sale the object has stored, as it opens it on waking: the sale, its
 * inventory, the tombstones, and from the orders only the counts and the live holds (issue
 * 12); every other order stays in SQLite until asked for. Null when no sale is stored. One
 * function for the object and the memory benchmark (bench/object-memory.ts), so the
 * benchmark measures exactly this.
 */
export function wakeBook(store: SaleStore, now: number): { book: OrderBook; configLoadedAt: number } | null {
  const stored = store.loadSale();
  if (!stored) return null;
  const { stock, nextFresh, returned } = stored.inventory;
  const book = new OrderBook(stored.config, new Inventory(stock, nextFresh, returned), store.orders, store.loadCancelledKeys());
  const cutoff = book.expireCancelledKeys(now);
  if (cutoff !== null) store.expireCancelledKeys(cutoff);
  return { book, configLoadedAt: stored.configLoadedAt };
}

/** The book of a sale the object adopts for the first time, over the orders it has stored (none, normally). */
export function newBook(store: SaleStore, config: SaleConfig): OrderBook {
  store.ensureSchema(); // the book reads its counts from the orders table as it opens
  return new OrderBook(config, new Inventory(config.stock), store.orders);
}
