import { OrderBook } from "../../src/orders/order-book.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import { ShardStock, type ShardStockState } from "../../src/sales/shard-stock.ts";
import { parseObjectName } from "../../src/sales/shards.ts";
import type { StockUnits } from "../../src/sales/stock-units.ts";
import type { SaleStore } from "./store.ts";

/**
 * The order book of the sale the object has stored, as it opens it on waking: the sale, its
 * stock, the tombstones, and from the orders only the counts and the live holds (issue 12);
 * every other order stays in SQLite until asked for. Null when no sale is stored. One
 * function for the object and the memory benchmark (bench/object-memory.ts), so the
 * benchmark measures exactly this. `objectName` is the object's (a shard's name holds `~`).
 */
export function wakeBook(store: SaleStore, now: number, objectName?: string): { book: OrderBook; configLoadedAt: number } | null {
  const stored = store.loadSale();
  if (!stored) return null;
  const name = objectName ?? stored.config.sku;
  const stock = stockFrom(stored.inventory, name);
  const book = new OrderBook(stored.config, stock, store.orders, store.loadCancelledKeys(), name);
  const cutoff = book.expireCancelledKeys(now);
  if (cutoff !== null) store.expireCancelledKeys(cutoff);
  return { book, configLoadedAt: stored.configLoadedAt };
}

/** The book of a sale the object adopts for the first time, over the orders it has stored (none, normally). */
export function newBook(store: SaleStore, config: SaleConfig, objectName: string = config.sku): OrderBook {
  store.ensureSchema(); // the book reads its counts from the orders table as it opens
  const stock = parseObjectName(objectName).shard === null ? new Inventory(config.stock) : new ShardStock();
  return new OrderBook(config, stock, store.orders, [], objectName);
}

/** The stock as stored: a shard's dealt ranks (issue 12), or the SKU's whole inventory. */
function stockFrom(state: unknown, objectName: string): StockUnits {
  if (parseObjectName(objectName).shard !== null) return new ShardStock(state as ShardStockState);
  const { stock, nextFresh, returned } = state as Inventory["state"];
  return new Inventory(stock, nextFresh, returned);
}
