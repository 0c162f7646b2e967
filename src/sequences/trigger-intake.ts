import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { orders, sequenceEnrolments, sequenceTriggers, events } from "../db/schema.ts";
import { shopperZone, stepTimes } from "./schedule.ts";
import type { Sequence } from "./sequence.ts";
import type { TriggerKind } from "./trigger-kinds.ts";

/** Triggers taken per transaction: a bounded batch, so a backlog never holds locks for long. */
export const TRIGGER_BATCH = 200;

/** What an enrolment's object needs to run it, from the row the intake wrote. */
export interface EnrolmentStart {
  id: string;
  sequenceId: string;
  sequenceVersion: number;
  shopperId: string;
  triggerId: string;
  enrolledAt: number;
  context: EnrolmentContext;
}

/** What the messages are filled from, fixed at enrolment: the shopper's language and zone, what raised it. */
export interface EnrolmentContext {
  locale: "zh-CN" | "en";
  timeZone: string;
  sku?: string;
  orderId?: string;
  segment?: string;
  teamId?: string;
  /** When the presale's balance window closes (ms), for `{deadline}`. */
  deadline?: number;
}

export interface TakenTriggers {
  taken: number;
  enrolled: EnrolmentStart[];
  /** Enrolments the exit rules ended, for their objects to stop waking. */
  exited: string[];
}

type TriggerRow = {
  id: string;
  kind: TriggerKind;
  shopper_id: string;
  at: string | Date;
  payload: Record<string, unknown>;
  locale: string | null;
};

/**
 * Which pending triggers an intake takes: a batch of at most `batch` (TRIGGER_BATCH), of every
 * shopper or only of `shoppers` (an intake run again for some shoppers, and the tests, which
 * share one Postgres and must not take each other's triggers).
 */
export interface IntakeScope {
  batch?: number;
  shoppers?: readonly string[];
}

/**
 * Takes a batch of pending `sequence_triggers` (issue 17), oldest first, in one transaction:
 * locked `for update skip locked` (two runs at once take different rows), enrols each shopper
 * in every active sequence the trigger starts (once per sequence and trigger: the unique
 * index), applies the exit rules (a paid order ends the shopper's active enrolments whose
 * sequence exits on purchase, enrolled before it by another trigger; entering a segment ends
 * those that exit when their segment is left), and marks the triggers taken. Nothing half
 * written: a failure rolls the batch back and the next run takes it again.
 */
export async function takeTriggers(
  db: Database,
  sequences: readonly Sequence[],
  now: number,
  options: IntakeScope = {},
): Promise<TakenTriggers> {
  const batch = options.batch ?? TRIGGER_BATCH;
  const scope = options.shoppers
    ? sql`and t.shopper_id in (select jsonb_array_elements_text(${JSON.stringify(options.shoppers)}::jsonb))`
    : sql``;
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<TriggerRow>(sql`
      select t.id, t.kind, t.shopper_id, t.at, t.payload, e.locale
      from ${sequenceTriggers} t left join ${events} e on e.id = t.payload->>'eventId'
      where t.taken_at is null and t.at <= ${new Date(now).toISOString()} ${scope}
      order by t.at, t.id
      limit ${batch}
      for update of t skip locked`);
    if (rows.length === 0) return { taken: 0, enrolled: [], exited: [] };
    const firstOrders = await firstPaidOrders(tx, rows, sequences);
    const wanted = rows.flatMap((trigger) =>
      sequences.filter((sequence) => starts(sequence, trigger, firstOrders)).map((sequence) => enrolmentOf(sequence, trigger)),
    );
    const enrolled = await insertEnrolments(tx, wanted, sequences);
    const exited = await applyExits(tx, rows, sequences);
    await tx.execute(sql`
      update ${sequenceTriggers} set taken_at = ${new Date(now).toISOString()}
      where id in (select jsonb_array_elements_text(${JSON.stringify(rows.map((r) => r.id))}::jsonb))`);
    return { taken: rows.length, enrolled, exited };
  });
}

/** Whether a trigger enrols the shopper in a sequence. */
function starts(sequence: Sequence, trigger: TriggerRow, firstOrders: Map<string, string>): boolean {
  if (!sequence.active || sequence.trigger.kind !== trigger.kind) return false;
  if (trigger.kind === "segment_entered") return trigger.payload.segment === sequence.trigger.segment;
  if (trigger.kind === "order_paid" && sequence.trigger.firstPurchaseOnly) {
    return firstOrders.get(trigger.shopper_id) === trigger.payload.orderId;
  }
  return true;
}

/** Each shopper's first paid order, for the first-purchase sequences; read only when one is active. */
async function firstPaidOrders(tx: Pick<Database, "execute">, rows: readonly TriggerRow[], sequences: readonly Sequence[]) {
  const needed = sequences.some((s) => s.active && s.trigger.kind === "order_paid" && s.trigger.firstPurchaseOnly);
  const shoppers = [...new Set(rows.filter((r) => r.kind === "order_paid").map((r) => r.shopper_id))];
  if (!needed || shoppers.length === 0) return new Map<string, string>();
  const { rows: first } = await tx.execute<{ shopper_id: string; id: string }>(sql`
    select distinct on (shopper_id) shopper_id, id from ${orders}
    where shopper_id in (select jsonb_array_elements_text(${JSON.stringify(shoppers)}::jsonb)) and status = 'paid'
    order by shopper_id, created_at, id`);
  return new Map(first.map((row) => [row.shopper_id, row.id]));
}

function enrolmentOf(sequence: Sequence, trigger: TriggerRow): EnrolmentStart {
  const text = (value: unknown) => (typeof value === "string" && value.length <= 200 ? value : undefined);
  const context: EnrolmentContext = {
    locale: trigger.locale?.toLowerCase().startsWith("en") ? "en" : "zh-CN",
    timeZone: shopperZone(trigger.payload.timeZone),
    sku: text(trigger.payload.sku),
    orderId: text(trigger.payload.orderId),
    segment: text(trigger.payload.segment),
    teamId: text(trigger.payload.teamId),
    deadline: Number.isSafeInteger(trigger.payload.balanceClosesAt) ? (trigger.payload.balanceClosesAt as number) : undefined,
  };
  return {
    id: newEnrolmentId(),
    sequenceId: sequence.id,
    sequenceVersion: sequence.version,
    shopperId: trigger.shopper_id,
    triggerId: trigger.id,
    enrolledAt: new Date(trigger.at).getTime(),
    context: JSON.parse(JSON.stringify(context)) as EnrolmentContext,
  };
}

/** A new enrolment's id: `enr_` and 20 random hex digits. */
export function newEnrolmentId(): string {
  return `enr_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
}

/** Writes the enrolments not written before (the unique sequence+trigger index), answering those written now. */
async function insertEnrolments(
  tx: Pick<Database, "execute">,
  wanted: readonly EnrolmentStart[],
  sequences: readonly Sequence[],
): Promise<EnrolmentStart[]> {
  if (wanted.length === 0) return [];
  const byId = new Map(sequences.map((s) => [s.id, s]));
  const rows = wanted.map((e) => ({
    id: e.id,
    sequence_id: e.sequenceId,
    sequence_version: e.sequenceVersion,
    shopper_id: e.shopperId,
    trigger_id: e.triggerId,
    enrolled_at: new Date(e.enrolledAt).toISOString(),
    next_at: new Date(stepTimes(byId.get(e.sequenceId)!, e.enrolledAt, e.context.timeZone)[0]!).toISOString(),
    context: e.context,
  }));
  const { rows: inserted } = await tx.execute<{ id: string }>(sql`
    insert into ${sequenceEnrolments} (id, sequence_id, sequence_version, shopper_id, trigger_id, status, enrolled_at, next_step, next_at, context)
    select r.id, r.sequence_id, r.sequence_version, r.shopper_id, r.trigger_id, 'active', r.enrolled_at, 0, r.next_at, r.context
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(id text, sequence_id text, sequence_version int, shopper_id text, trigger_id text, enrolled_at timestamptz, next_at timestamptz, context jsonb)
    order by r.sequence_id, r.trigger_id
    on conflict (sequence_id, trigger_id) do nothing
    returning id`);
  const fresh = new Set(inserted.map((row) => row.id));
  return wanted.filter((e) => fresh.has(e.id));
}

/**
 * The exit rules, one statement: each paid order ends the shopper's active enrolments in the
 * sequences that exit on purchase (enrolled at or before it, by another trigger); each
 * segment entered ends those of segment sequences that exit when left, for another segment.
 */
async function applyExits(tx: Pick<Database, "execute">, rows: readonly TriggerRow[], sequences: readonly Sequence[]): Promise<string[]> {
  const onPurchase = sequences.filter((s) => s.exit.onPurchase).map((s) => s.id);
  const exits = rows.flatMap((trigger) => {
    if (trigger.kind === "order_paid" && onPurchase.length > 0) return [{ ...exitOf(trigger), reason: "purchase", sequences: onPurchase }];
    if (trigger.kind === "segment_entered") {
      const left = sequences
        .filter((s) => s.exit.onSegmentLeft && s.trigger.kind === "segment_entered" && s.trigger.segment !== trigger.payload.segment)
        .map((s) => s.id);
      if (left.length > 0) return [{ ...exitOf(trigger), reason: "segment_left", sequences: left }];
    }
    return [];
  });
  if (exits.length === 0) return [];
  const { rows: ended } = await tx.execute<{ id: string }>(sql`
    update ${sequenceEnrolments} en set status = 'exited', exit_reason = x.reason, ended_at = x.at, next_at = null
    from (
      select distinct on (en2.id) en2.id, r.reason, r.at
      from jsonb_to_recordset(${JSON.stringify(exits)}::jsonb) as r(shopper_id text, trigger_id text, at timestamptz, reason text, sequences jsonb)
      join ${sequenceEnrolments} en2 on en2.shopper_id = r.shopper_id and en2.status = 'active'
        and en2.sequence_id in (select jsonb_array_elements_text(r.sequences))
        and en2.enrolled_at <= r.at and en2.trigger_id <> r.trigger_id
      order by en2.id, r.at
    ) x
    where en.id = x.id and en.status = 'active'
    returning en.id`);
  return ended.map((row) => row.id);
}

function exitOf(trigger: TriggerRow) {
  return { shopper_id: trigger.shopper_id, trigger_id: trigger.id, at: new Date(trigger.at).toISOString() };
}
