/**
 * The recommender's training log from Postgres (issue 18, part D): product views, adds to cart
 * and paid orders since a time, and each shopper's RFM segment. An add to cart without a
 * category takes the category its SKU was last viewed under.
 */
import { and, gte, inArray } from "drizzle-orm";
import { type Database, withDatabase, type DatabaseSettings } from "../../src/db/client.ts";
import { events, rfmScores } from "../../src/db/schema.ts";
import { catalogueFromLog, INTERACTION_TYPES, type Interaction } from "../../src/recs/interactions.ts";
import type { RecItem } from "../../src/recs/model.ts";

export interface LoadedLog {
  items: RecItem[];
  log: Interaction[];
  segments: Map<string, string>;
}

/** Reads the log since `since` (epoch ms) with an open database handle; `shopperIds` limits it (tests). */
export async function loadEventLog(db: Database, since: number, shopperIds?: string[]): Promise<LoadedLog> {
  const rows = await db
    .select({
      shopperId: events.shopperId,
      type: events.type,
      sku: events.sku,
      category: events.category,
      at: events.at,
      amount: events.amount,
      props: events.props,
    })
    .from(events)
    .where(
      and(
        inArray(events.type, [...INTERACTION_TYPES]),
        gte(events.at, new Date(since)),
        shopperIds ? inArray(events.shopperId, shopperIds) : undefined,
      ),
    )
    .orderBy(events.at);
  const categoryOf = new Map<string, string>();
  for (const row of rows) if (row.sku && row.category) categoryOf.set(row.sku, row.category);
  const log: Interaction[] = [];
  const quantities = new Map<Interaction, number>();
  for (const row of rows) {
    if (!row.sku) continue;
    const interaction: Interaction = {
      shopperId: row.shopperId,
      type: row.type as Interaction["type"],
      sku: row.sku,
      category: row.category ?? categoryOf.get(row.sku) ?? "uncategorised",
      at: row.at.getTime(),
      ...(row.amount !== null ? { amount: row.amount } : {}),
    };
    const qty = typeof row.props.qty === "number" && row.props.qty > 0 ? row.props.qty : 1;
    quantities.set(interaction, qty);
    log.push(interaction);
  }
  const shoppers = [...new Set(log.map((e) => e.shopperId))];
  const segments = new Map<string, string>();
  for (let i = 0; i < shoppers.length; i += 5_000) {
    const scored = await db
      .select({ shopperId: rfmScores.shopperId, segment: rfmScores.segment })
      .from(rfmScores)
      .where(inArray(rfmScores.shopperId, shoppers.slice(i, i + 5_000)));
    for (const row of scored) segments.set(row.shopperId, row.segment);
  }
  return { items: catalogueFromLog(log, quantities), log, segments };
}

/** Opens Postgres for one read of the log. */
export function loadEventLogFrom(settings: DatabaseSettings, since: number): Promise<LoadedLog> {
  return withDatabase(settings, (db) => loadEventLog(db, since));
}
