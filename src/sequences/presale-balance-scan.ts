import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { orders, sequenceTriggers } from "../db/schema.ts";
import { triggerId } from "./trigger-kinds.ts";

/** Orders one scan raises at most: a backlog (a big presale's window opening) drains over a few minutes. */
export const BALANCE_SCAN_LIMIT = 500;

/**
 * Raises a `balance_window_opened` trigger (issue 19) for each deposit-paid presale order whose
 * balance window has opened and not yet closed, once per order: the trigger's id is the kind and
 * the order's id, so a scan run again, or on two isolates at once, writes nothing twice
 * (`on conflict do nothing`). Run each minute by the Cron job before the follow-ups' intake, which
 * enrols the shopper in the sequences this trigger starts (the demo "presale balance reminder").
 * The trigger is dated when the window opened, so a late scan still reminds in order. An order
 * already paid (or forfeited) by the time of the scan raises nothing. Answers how many were raised.
 */
export async function raiseBalanceWindowTriggers(db: Database, now: number, limit = BALANCE_SCAN_LIMIT): Promise<number> {
  const kind = "balance_window_opened";
  const prefix = triggerId(kind, "");
  const { rows } = await db.execute<{ id: string }>(sql`
    insert into ${sequenceTriggers} (id, kind, shopper_id, at, payload)
    select ${prefix} || o.id, ${kind}, o.shopper_id,
      to_timestamp(((o.presale->>'balanceOpensAt')::bigint) / 1000.0),
      jsonb_build_object('orderId', o.id, 'sku', o.sku, 'balanceClosesAt', (o.presale->>'balanceClosesAt')::bigint)
    from ${orders} o
    where o.status = 'deposit_paid' and o.presale is not null
      and (o.presale->>'balanceOpensAt')::bigint <= ${now}
      and (o.presale->>'balanceClosesAt')::bigint > ${now}
      and not exists (select 1 from ${sequenceTriggers} t where t.id = ${prefix} || o.id)
    order by (o.presale->>'balanceOpensAt')::bigint, o.id
    limit ${limit}
    on conflict (id) do nothing
    returning id`);
  return rows.length;
}
