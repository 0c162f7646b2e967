import { desc, eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { events } from "../db/schema.ts";
import type { RecentEvent } from "./event-views.ts";

export type { RecentEvent };

/** The most events a lookup lists. */
export const MAX_RECENT_EVENTS = 200;

/** A shopper's latest events, newest first: the index `events_shopper_at` read backwards, `limit` rows. */
export async function recentEvents(db: Pick<Database, "select">, shopperId: string, limit: number): Promise<RecentEvent[]> {
  const rows = await db
    .select()
    .from(events)
    .where(eq(events.shopperId, shopperId))
    .orderBy(desc(events.at), desc(events.id))
    .limit(Math.min(limit, MAX_RECENT_EVENTS));
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    at: row.at.getTime(),
    sku: row.sku,
    category: row.category,
    orderId: row.orderId,
    amount: row.amount,
    page: row.page,
    referrer: row.referrer,
    device: row.device,
    utm: row.utm,
    experiments: row.experiments,
    props: row.props,
  }));
}
