import type { OrderBook } from "../orders/order-book.ts";
import { salePhase, type SalePhase } from "./phase.ts";
import type { SaleConfig } from "./sale-config.ts";
import { currentOffer } from "./pricing.ts";

/** What a shopper sees of a SKU on sale at one instant: `GET /api/skus/:sku` and every live push. */
export interface SkuSnapshot {
  sku: string;
  title: string;
  phase: SalePhase;
  paused: boolean;
  serverTime: number;
  startsAt: number;
  endsAt: number;
  currency: "CNY";
  listPrice: number;
  stock: { total: number; remaining: number; sold: number; held: number };
  price: ReturnType<typeof currentOffer>;
  perShopperLimit: number;
  holdSeconds: number;
  /** The limited-time gift an order placed now would get, and how many are left; null when none. */
  gift: ReturnType<OrderBook["giftOnOffer"]>;
  /** The sale's waiting room (issue 12): shoppers join its queue before checking out; null when none. */
  waitingRoom: SaleConfig["waitingRoom"];
}

export function snapshotOf(book: OrderBook, now: number): SkuSnapshot {
  const { sold, held } = book.totals;
  const stock = { total: book.inventory.total, remaining: book.inventory.available, sold, held, nextRank: book.inventory.nextRank };
  return snapshotOfSale(book.config, stock, book.giftOnOffer(now), now);
}

/** The units of a sale, wherever they are counted (one object, or a sharded sale's primary and shards). */
export interface SaleUnits {
  total: number;
  remaining: number;
  sold: number;
  held: number;
  nextRank: number | null;
}

/** A snapshot from a sale's configuration and units: a sharded sale's primary sums its shards' units first. */
export function snapshotOfSale(sale: SaleConfig, units: SaleUnits, gift: SkuSnapshot["gift"], now: number): SkuSnapshot {
  const { total, remaining, sold, held, nextRank } = units;
  return {
    sku: sale.sku,
    title: sale.title,
    phase: salePhase(sale, remaining, now),
    paused: sale.paused,
    serverTime: now,
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    currency: sale.currency,
    listPrice: sale.listPrice,
    stock: { total, remaining, sold, held },
    price: currentOffer(sale, nextRank),
    perShopperLimit: sale.perShopperLimit,
    holdSeconds: sale.holdSeconds,
    gift,
    waitingRoom: sale.waitingRoom,
  };
}
