import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { events } from "../db/schema.ts";
import type { EventGroup } from "./lifetime.ts";

/** Epoch ms of a timestamp aggregate, as a JS number (exact: event times are whole milliseconds). */
const epochMs = (aggregate: ReturnType<typeof sql>) => sql<number>`floor(extract(epoch from ${aggregate}) * 1000)::float8`.mapWith(Number);

/**
 * A shopper's events grouped by type, SKU and category (./lifetime.ts reads the facts from
 * them): one statement on the index `events_shopper_at` (its leading column is the shopper), so
 * its cost is the shopper's own rows, never the table's; the answer has a row per type and SKU
 * the shopper touched, not per event.
 */
export async function shopperEventGroups(db: Pick<Database, "select">, shopperId: string): Promise<EventGroup[]> {
  return db
    .select({
      type: events.type,
      sku: events.sku,
      category: events.category,
      events: sql<number>`count(*)::int`.mapWith(Number),
      // A sum of bigints is numeric: as text, then a number (fen totals stay far below 2^53).
      amount: sql<number>`coalesce(sum(${events.amount}), 0)::text`.mapWith(Number),
      firstAt: epochMs(sql`min(${events.at})`),
      lastAt: epochMs(sql`max(${events.at})`),
    })
    .from(events)
    .where(eq(events.shopperId, shopperId))
    .groupBy(events.type, events.sku, events.category);
}
