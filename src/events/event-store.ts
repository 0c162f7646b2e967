import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { eventDrops, events, sequenceTriggers } from "../db/schema.ts";
import { TRIGGER_OF_EVENT } from "../sequences/trigger-kinds.ts";
import type { ShopperEvent } from "./event.ts";
import type { DropCounts } from "./screening.ts";

/** A transaction or the database: both run the statements below. */
type Executor = Pick<Database, "execute">;

/** The columns an event's own fields go to; everything else about it goes to `props`. */
const COLUMN_FIELDS = new Set([
  "id",
  "type",
  "shopperId",
  "at",
  "sku",
  "category",
  "orderId",
  "amount",
  "device",
  "locale",
  "page",
  "referrer",
  "utm",
  "experiments",
]);

/** An event as a row of `events`, with the time it reached the store. */
export function eventRow(event: ShopperEvent, receivedAt: number) {
  const fields = event as unknown as Record<string, unknown>;
  const props = Object.fromEntries(Object.entries(fields).filter(([name]) => !COLUMN_FIELDS.has(name)));
  return {
    id: event.id,
    type: event.type,
    shopper_id: event.shopperId,
    at: new Date(event.at).toISOString(),
    received_at: new Date(receivedAt).toISOString(),
    sku: (fields.sku as string | undefined) ?? null,
    category: (fields.category as string | undefined) ?? null,
    order_id: (fields.orderId as string | undefined) ?? null,
    amount: (fields.amount as number | undefined) ?? null,
    device: event.device,
    locale: event.locale ?? null,
    page: event.page ?? null,
    referrer: event.referrer ?? null,
    utm: event.utm ?? null,
    experiments: event.experiments ?? {},
    props,
  };
}

/**
 * Inserts events, once each: an id already stored is left as it is (a redelivered message or a
 * replayed outbox batch). One statement with the batch as one JSON parameter, as the outbox
 * writes orders (src/orders/order-sink.ts). The same statement writes the follow-up sequences'
 * trigger of each new event that raises one (src/sequences/trigger-kinds.ts), so a trigger
 * exists exactly when its event does.
 */
export async function insertEvents(db: Executor, batch: readonly ShopperEvent[], receivedAt: number): Promise<void> {
  if (batch.length === 0) return;
  const rows = batch.map((event) => eventRow(event, receivedAt));
  await db.execute(sql`
    with inserted as (
      insert into ${events} (id, type, shopper_id, at, received_at, sku, category, order_id, amount, device, locale, page, referrer, utm, experiments, props)
      select r.id, r.type, r.shopper_id, r.at, r.received_at, r.sku, r.category, r.order_id, r.amount, r.device, r.locale, r.page, r.referrer, r.utm, coalesce(r.experiments, '{}'::jsonb), coalesce(r.props, '{}'::jsonb)
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as r(id text, type text, shopper_id text, at timestamptz, received_at timestamptz, sku text, category text, order_id text, amount bigint, device text, locale text, page text, referrer text, utm jsonb, experiments jsonb, props jsonb)
      order by r.id collate "C"
      on conflict (id) do nothing
      returning id, type, shopper_id, at, sku, order_id, amount, props
    )
    insert into ${sequenceTriggers} (id, kind, shopper_id, at, payload)
    select t.kind || ':' || i.id, t.kind, i.shopper_id, i.at,
      jsonb_strip_nulls(jsonb_build_object('eventId', i.id, 'sku', i.sku, 'orderId', i.order_id, 'amount', i.amount)) || i.props
    from inserted i
    join jsonb_each_text(${JSON.stringify(TRIGGER_OF_EVENT)}::jsonb) as t(type, kind) on t.type = i.type
    order by i.id collate "C"
    on conflict (id) do nothing`);
}

/** Adds drop counts to the day's (UTC) tally. */
export async function countDrops(db: Executor, dropped: DropCounts, at: number): Promise<void> {
  const rows = Object.entries(dropped).filter(([, count]) => (count ?? 0) > 0);
  if (rows.length === 0) return;
  const day = new Date(at).toISOString().slice(0, 10);
  const json = JSON.stringify(rows.map(([reason, count]) => ({ day, reason, count })));
  await db.execute(sql`
    insert into ${eventDrops} (day, reason, count)
    select r.day, r.reason, r.count from jsonb_to_recordset(${json}::jsonb) as r(day text, reason text, count bigint)
    order by r.reason collate "C"
    on conflict (day, reason) do update set count = ${eventDrops.count} + excluded.count`);
}
