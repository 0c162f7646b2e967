import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { crmOutbox } from "../db/schema.ts";
import type { CrmWebhookMessage } from "./webhook-message.ts";

/** A transaction or the database: both run the statements below. */
type Executor = Pick<Database, "execute">;

/** Rows moved to the queue per `sendBatch` (Cloudflare Queues take at most 100 messages, 256 KB, per call). */
export const DRAIN_BATCH = 100;
/** Batches one drain moves at most: 10,000 webhooks a minute (about 4 s of drain at the measured 2,300 rows/s), so one run stays short. */
export const DRAIN_BATCHES_PER_RUN = 100;

/** Where drained webhooks go: the `CRM_WEBHOOKS` queue producer, or a stand-in in tests. */
export interface WebhookQueue {
  sendBatch(messages: Iterable<{ body: CrmWebhookMessage }>): Promise<unknown>;
}

/**
 * Moves the CRM outbox's waiting rows of the subscribed `events` onto the queue (issue 16),
 * oldest first, DRAIN_BATCH at a time. Each batch: its rows are locked (`for update skip
 * locked`, so two drains at once move different rows), sent, and only then marked
 * `enqueued_at`, all in one transaction. The queue refusing the batch rolls the transaction
 * back, leaving the rows waiting for the next run; a failure after the send leaves them
 * waiting too and they are sent again: a duplicate, which the receiver drops by `webhook-id`.
 * A row is never marked without having been sent. Returns how many rows were sent.
 */
export async function drainCrmOutbox(
  db: Database,
  queue: WebhookQueue,
  target: { url: string; events: readonly string[] },
  now: number,
  batches: number = DRAIN_BATCHES_PER_RUN,
): Promise<number> {
  let sent = 0;
  for (let batch = 0; batch < batches; batch++) {
    const moved = await db.transaction(async (tx) => {
      const rows = await tx.execute<{ id: string; type: string; payload: Record<string, unknown> }>(sql`
        select id, type, payload from ${crmOutbox}
        where enqueued_at is null and type in (select jsonb_array_elements_text(${JSON.stringify(target.events)}::jsonb))
        order by created_at, id
        limit ${DRAIN_BATCH}
        for update skip locked`);
      if (rows.rows.length === 0) return 0;
      await queue.sendBatch(
        rows.rows.map((row) => ({ body: { v: 1 as const, id: row.id, type: row.type, url: target.url, payload: row.payload } })),
      );
      await tx.execute(sql`
        update ${crmOutbox} set enqueued_at = ${new Date(now).toISOString()}
        where id in (select jsonb_array_elements_text(${JSON.stringify(rows.rows.map((r) => r.id))}::jsonb))`);
      return rows.rows.length;
    });
    sent += moved;
    if (moved < DRAIN_BATCH) break;
  }
  return sent;
}

/** What one delivery attempt came to, as the consumer records it. */
export type AttemptOutcome = { id: string; delivered: true } | { id: string; delivered: false; error: string };

/**
 * Records attempts in one statement: each adds one to `attempts`; a delivered one sets
 * `delivered_at` (and clears the last error), a failed one sets `last_error`.
 */
export async function recordAttempts(db: Executor, outcomes: readonly AttemptOutcome[], now: number): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map((o) => ({ id: o.id, delivered: o.delivered, error: o.delivered ? null : o.error.slice(0, 500) }));
  await db.execute(sql`
    update ${crmOutbox} o set
      attempts = o.attempts + 1,
      delivered_at = case when r.delivered then coalesce(o.delivered_at, ${new Date(now).toISOString()}::timestamptz) else o.delivered_at end,
      last_error = case when r.delivered then null else r.error end
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, delivered boolean, error text)
    where o.id = r.id`);
}

/** Marks webhooks the queue gave up on (its dead-letter queue delivered them) as dead. */
export async function markDead(db: Executor, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update ${crmOutbox} set dead_at = ${new Date(now).toISOString()},
      last_error = coalesce(last_error, 'dead-lettered')
    where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)) and delivered_at is null`);
}

/**
 * "Send again" for a dead webhook (console): it waits in the outbox once more, so the next
 * drain sends it with the same id. Only a dead, undelivered one; returns whether it was.
 */
export async function resendDead(db: Executor, id: string): Promise<boolean> {
  const reset = await db.execute(sql`
    update ${crmOutbox} set dead_at = null, enqueued_at = null
    where id = ${id} and dead_at is not null and delivered_at is null
    returning id`);
  return reset.rows.length > 0;
}

export type DeliveryStatus = "pending" | "queued" | "delivered" | "dead";

export interface DeliveryRow {
  id: string;
  type: string;
  shopperId: string;
  status: DeliveryStatus;
  createdAt: number;
  deliveredAt: number | null;
  deadAt: number | null;
  attempts: number;
  lastError: string | null;
}

const STATUS = sql.raw(`case when delivered_at is not null then 'delivered' when dead_at is not null then 'dead'
  when enqueued_at is not null then 'queued' else 'pending' end`);

/** The deliveries for the console: counts by status and the newest rows (of one status, if asked). */
export async function listDeliveries(
  db: Executor,
  filter: { status?: DeliveryStatus | undefined; limit: number },
): Promise<{ counts: Record<DeliveryStatus, number>; deliveries: DeliveryRow[] }> {
  const counts = await db.execute<{ status: DeliveryStatus; n: string }>(
    sql`select ${STATUS} as status, count(*) as n from ${crmOutbox} group by 1`,
  );
  const rows = await db.execute<{
    id: string;
    type: string;
    shopper_id: string;
    status: DeliveryStatus;
    created_at: string;
    delivered_at: string | null;
    dead_at: string | null;
    attempts: number;
    last_error: string | null;
  }>(sql`
    select id, type, shopper_id, ${STATUS} as status, created_at, delivered_at, dead_at, attempts, last_error
    from ${crmOutbox}
    ${filter.status ? sql`where ${STATUS} = ${filter.status}` : sql``}
    order by created_at desc, id limit ${filter.limit}`);
  const byStatus: Record<DeliveryStatus, number> = { pending: 0, queued: 0, delivered: 0, dead: 0 };
  for (const row of counts.rows) byStatus[row.status] = Number(row.n);
  const ms = (value: string | null) => (value === null ? null : new Date(value).getTime());
  return {
    counts: byStatus,
    deliveries: rows.rows.map((r) => ({
      id: r.id,
      type: r.type,
      shopperId: r.shopper_id,
      status: r.status,
      createdAt: new Date(r.created_at).getTime(),
      deliveredAt: ms(r.delivered_at),
      deadAt: ms(r.dead_at),
      attempts: Number(r.attempts),
      lastError: r.last_error,
    })),
  };
}
