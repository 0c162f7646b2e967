import { and, count, gt, gte, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { eventDeadLetters, eventDrops, events } from "../db/schema.ts";
import { EVENT_TYPES } from "./event.ts";
import type { EventsOverview } from "./event-views.ts";

export type { EventsOverview };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Three small statements. Per type: `type = any(…) and at > since` is a range scan per type on
 * the index `events_type_at`, so a day's count costs the day's rows, not the table's.
 */
export async function eventsOverview(db: Pick<Database, "select">, now: number): Promise<EventsOverview> {
  const since = now - DAY_MS;
  const yesterday = new Date(now - DAY_MS).toISOString().slice(0, 10);
  // One after another: one connection for the three, not a pool's worth.
  const typeRows = await db
    .select({ type: events.type, events: count() })
    .from(events)
    .where(and(inArray(events.type, EVENT_TYPES), gt(events.at, new Date(since))))
    .groupBy(events.type);
  const dropRows = await db
    .select({ day: eventDrops.day, reason: eventDrops.reason, count: eventDrops.count })
    .from(eventDrops)
    .where(gte(eventDrops.day, yesterday))
    .orderBy(sql`${eventDrops.day} desc`, eventDrops.reason);
  const deadRows = await db.select({ deadLetters: count() }).from(eventDeadLetters);
  const counted = new Map(typeRows.map((row) => [row.type, Number(row.events)]));
  return {
    since,
    byType: EVENT_TYPES.map((type) => ({ type, events: counted.get(type) ?? 0 })),
    drops: dropRows.map((row) => ({ day: row.day, reason: row.reason, count: Number(row.count) })),
    deadLetters: Number(deadRows[0]?.deadLetters ?? 0),
  };
}
