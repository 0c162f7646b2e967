import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { orders, sequenceTriggers } from "../db/schema.ts";
import { type PRESALE_BALANCE_TRIGGERS, type TriggerKind, triggerId } from "./trigger-kinds.ts";

/** Orders one scan raises at most, per kind: a backlog (a big presale's window opening) drains over a few minutes. */
export const BALANCE_SCAN_LIMIT = 500;

/**
 * How long before the balance window closes the last-day reminder is due: Tmall's "尾款最后一天".
 * A window no longer than this has its opening reminder only, which already says when it closes.
 */
export const BALANCE_CLOSING_NOTICE_MS = 24 * 60 * 60 * 1000;

const opensAt = sql`(o.presale->>'balanceOpensAt')::bigint`;
const closesAt = sql`(o.presale->>'balanceClosesAt')::bigint`;

/**
 * The moment each presale trigger is due for an order (in ms): the balance window opening, and
 * the last day before it closes (only when that comes after the opening).
 */
const DUE_AT: Record<(typeof PRESALE_BALANCE_TRIGGERS)[number], { at: SQL; when: SQL }> = {
  balance_window_opened: { at: opensAt, when: sql`true` },
  balance_window_closing: {
    at: sql`(${closesAt} - ${BALANCE_CLOSING_NOTICE_MS})`,
    when: sql`${closesAt} - ${BALANCE_CLOSING_NOTICE_MS} > ${opensAt}`,
  },
};

/**
 * Raises the presale's balance reminders (issue 19) as follow-up triggers: for each deposit-paid
 * presale order whose balance window is open, `balance_window_opened` once it opens and
 * `balance_window_closing` once it is within a day of closing, each once per order: the trigger's
 * id is the kind and the order's id, so a scan run again, or on two isolates at once, writes
 * nothing twice (`on conflict do nothing`). Run each minute by the Cron job before the follow-ups'
 * intake, which enrols the shopper in the sequences these triggers start (the demo "presale
 * balance reminder" and "last day"). Each trigger is dated when it fell due, so a late scan still
 * reminds in order. An order already paid (or forfeited) by the time of the scan raises nothing.
 * Answers how many were raised.
 */
export async function raiseBalanceWindowTriggers(db: Database, now: number, limit = BALANCE_SCAN_LIMIT): Promise<number> {
  let raised = 0;
  for (const [kind, due] of Object.entries(DUE_AT) as Array<[TriggerKind, { at: SQL; when: SQL }]>) {
    const prefix = triggerId(kind, "");
    const { rows } = await db.execute<{ id: string }>(sql`
      insert into ${sequenceTriggers} (id, kind, shopper_id, at, payload)
      select ${prefix} || o.id, ${kind}, o.shopper_id,
        to_timestamp(${due.at} / 1000.0),
        jsonb_build_object('orderId', o.id, 'sku', o.sku, 'balanceClosesAt', ${closesAt})
      from ${orders} o
      where o.status = 'deposit_paid' and o.presale is not null
        and ${due.when}
        and ${due.at} <= ${now}
        and ${closesAt} > ${now}
        and not exists (select 1 from ${sequenceTriggers} t where t.id = ${prefix} || o.id)
      order by ${due.at}, o.id
      limit ${limit}
      on conflict (id) do nothing
      returning id`);
    raised += rows.length;
  }
  return raised;
}
