import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { orders, rfmScores } from "../db/schema.ts";
import type { OrderStatus } from "../orders/order.ts";

/**
 * What an adviser sees beside a chat (issue 17): the shopper's RFM segment and scores (as the
 * last recompute left them, rfm_scores) and their latest orders. Coupons live in the coupon
 * objects and are added by the route.
 */
export interface ShopperProfile {
  shopperId: string;
  rfm: { segment: string; previousSegment: string | null; r: number; f: number; m: number; computedAt: number } | null;
  orders: Array<{ id: string; sku: string; qty: number; totalAmount: number; status: OrderStatus; createdAt: number }>;
  paidOrders: number;
  paidAmount: number;
}

/** How many of the latest orders the profile lists. */
const RECENT_ORDERS = 10;

export async function shopperProfile(db: Database, shopperId: string): Promise<ShopperProfile> {
  const [scores, recent, totals] = await Promise.all([
    db.select().from(rfmScores).where(eq(rfmScores.shopperId, shopperId)).limit(1),
    db
      .select({
        id: orders.id,
        sku: orders.sku,
        qty: orders.qty,
        totalAmount: orders.totalAmount,
        status: orders.status,
        createdAt: orders.createdAt,
      })
      .from(orders)
      .where(eq(orders.shopperId, shopperId))
      .orderBy(desc(orders.createdAt))
      .limit(RECENT_ORDERS),
    db
      .select({ n: sql<string>`count(*)`, amount: sql<string>`coalesce(sum(${orders.totalAmount}), 0)` })
      .from(orders)
      .where(and(eq(orders.shopperId, shopperId), eq(orders.status, "paid"))),
  ]);
  const score = scores[0];
  return {
    shopperId,
    rfm: score
      ? {
          segment: score.segment,
          previousSegment: score.previousSegment,
          r: score.r,
          f: score.f,
          m: score.m,
          computedAt: score.computedAt.getTime(),
        }
      : null,
    orders: recent.map((order) => ({ ...order, createdAt: order.createdAt.getTime() })),
    paidOrders: Number(totals[0]?.n ?? 0),
    paidAmount: Number(totals[0]?.amount ?? 0),
  };
}
