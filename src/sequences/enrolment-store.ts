import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { inboxMessages, sequenceEnrolments, sequenceSends } from "../db/schema.ts";
import type { EnrolmentStatus } from "./enrolment.ts";
import type { EnrolmentContext, EnrolmentStart } from "./trigger-intake.ts";

/** A step's idempotency key: the enrolment and the step (0-based), the identity of its send, inbox message, coupon and channel messages. */
export const stepKey = (enrolmentId: string, step: number) => `${enrolmentId}:${step}`;

/** One step's send, as the FollowUp object hands it to Postgres. */
export interface StepSend {
  enrolmentId: string;
  step: number;
  dueAt: number;
  sentAt: number;
  couponId: string | null;
  message: { shopperId: string; title: string; body: string; link: string | null };
  /** The enrolment after this step: its next step and when, or completed. */
  after: { nextStep: number; nextAt: number | null; status: "active" | "completed" };
  /** Written with the last step: the enrolment of the sequence this one hands over to. */
  handOver?: EnrolmentStart & { nextAt: number };
}

export type SendOutcome =
  | { outcome: "sent" }
  | { outcome: "already_sent" }
  | { outcome: "ended"; status: EnrolmentStatus; exitReason: string | null };

/**
 * Records one step as sent (issue 17), exactly once, in one transaction: the enrolment row is
 * locked first (the exit rules update it too, so a purchase and a send are ordered), an ended
 * enrolment sends nothing; then the send row goes in FIRST, by its key `<enrolment>:<step>`:
 * a key already there means an earlier try sent it (a retried alarm), and nothing more is
 * written. Otherwise the inbox message (same key) and the enrolment's progress (and, after the
 * last step, the `then` enrolment) are written beside it.
 */
export async function recordStepSent(db: Database, send: StepSend): Promise<SendOutcome> {
  const key = stepKey(send.enrolmentId, send.step);
  return db
    .transaction(async (tx) => {
      const { rows } = await tx.execute<{ status: EnrolmentStatus; exit_reason: string | null }>(sql`
      select status, exit_reason from ${sequenceEnrolments} where id = ${send.enrolmentId} for update`);
      const row = rows[0];
      if (!row) return { outcome: "ended", status: "exited", exitReason: "missing" } as const;
      const { rows: fresh } = await tx.execute<{ idempotency_key: string }>(sql`
      insert into ${sequenceSends} (idempotency_key, enrolment_id, step, due_at, sent_at, coupon_id)
      values (${key}, ${send.enrolmentId}, ${send.step}, ${iso(send.dueAt)}, ${iso(send.sentAt)}, ${send.couponId})
      on conflict (idempotency_key) do nothing
      returning idempotency_key`);
      if (fresh.length === 0) return { outcome: "already_sent" } as const;
      if (row.status !== "active") {
        // Ended meanwhile (a purchase): the send row is taken back with the transaction.
        throw new EndedEnrolment(row.status, row.exit_reason);
      }
      await tx.execute(sql`
      insert into ${inboxMessages} (id, shopper_id, idempotency_key, kind, title, body, link, created_at)
      values (${`msg_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`}, ${send.message.shopperId}, ${key}, 'follow_up',
        ${send.message.title}, ${send.message.body}, ${send.message.link}, ${iso(send.sentAt)})
      on conflict (idempotency_key) do nothing`);
      await tx.execute(sql`
      update ${sequenceEnrolments} set next_step = ${send.after.nextStep}, next_at = ${send.after.nextAt === null ? null : iso(send.after.nextAt)},
        status = ${send.after.status}, ended_at = ${send.after.status === "completed" ? iso(send.sentAt) : null}
      where id = ${send.enrolmentId}`);
      if (send.handOver) await insertEnrolment(tx, send.handOver);
      return { outcome: "sent" } as const;
    })
    .catch((error: unknown) => {
      if (error instanceof EndedEnrolment) return { outcome: "ended", status: error.status, exitReason: error.exitReason } as const;
      throw error;
    });
}

/** Thrown inside the send's transaction to roll it back when the enrolment has ended. */
class EndedEnrolment extends Error {
  readonly status: EnrolmentStatus;
  readonly exitReason: string | null;

  constructor(status: EnrolmentStatus, exitReason: string | null) {
    super("the enrolment has ended");
    this.status = status;
    this.exitReason = exitReason;
  }
}

/** One enrolment, written once by its sequence and trigger. */
export async function insertEnrolment(tx: Pick<Database, "execute">, e: EnrolmentStart & { nextAt: number }): Promise<boolean> {
  const { rows } = await tx.execute(sql`
    insert into ${sequenceEnrolments} (id, sequence_id, sequence_version, shopper_id, trigger_id, status, enrolled_at, next_step, next_at, context)
    values (${e.id}, ${e.sequenceId}, ${e.sequenceVersion}, ${e.shopperId}, ${e.triggerId}, 'active', ${iso(e.enrolledAt)}, 0, ${iso(e.nextAt)}, ${JSON.stringify(e.context)}::jsonb)
    on conflict (sequence_id, trigger_id) do nothing
    returning id`);
  return rows.length > 0;
}

/** Writes which channels took a step's message (after it was sent to them). */
export async function recordChannels(db: Pick<Database, "execute">, key: string, channels: readonly string[]): Promise<void> {
  await db.execute(sql`update ${sequenceSends} set channels = ${JSON.stringify(channels)}::jsonb where idempotency_key = ${key}`);
}

/** An enrolment's row as its object is started from. */
export interface EnrolmentRow extends EnrolmentStart {
  status: EnrolmentStatus;
  nextStep: number;
  exitReason: string | null;
}

type RawEnrolment = {
  id: string;
  sequence_id: string;
  sequence_version: number;
  shopper_id: string;
  trigger_id: string;
  status: EnrolmentStatus;
  enrolled_at: string | Date;
  next_step: number;
  exit_reason: string | null;
  context: EnrolmentContext;
};

const rowOf = (r: RawEnrolment): EnrolmentRow => ({
  id: r.id,
  sequenceId: r.sequence_id,
  sequenceVersion: r.sequence_version,
  shopperId: r.shopper_id,
  triggerId: r.trigger_id,
  status: r.status,
  enrolledAt: new Date(r.enrolled_at).getTime(),
  nextStep: r.next_step,
  exitReason: r.exit_reason,
  context: r.context,
});

/** One enrolment, or null. */
export async function enrolmentRow(db: Pick<Database, "execute">, id: string): Promise<EnrolmentRow | null> {
  const { rows } = await db.execute<RawEnrolment>(sql`
    select id, sequence_id, sequence_version, shopper_id, trigger_id, status, enrolled_at, next_step, exit_reason, context
    from ${sequenceEnrolments} where id = ${id}`);
  return rows[0] ? rowOf(rows[0]) : null;
}

/**
 * Active enrolments whose next step is overdue by more than `graceMs`: their object was never
 * started (the intake's call to it failed) or lost its alarm. The job starts them again.
 */
export async function overdueEnrolments(
  db: Pick<Database, "execute">,
  now: number,
  graceMs: number,
  limit: number,
): Promise<EnrolmentRow[]> {
  const { rows } = await db.execute<RawEnrolment>(sql`
    select id, sequence_id, sequence_version, shopper_id, trigger_id, status, enrolled_at, next_step, exit_reason, context
    from ${sequenceEnrolments}
    where status = 'active' and next_at < ${iso(now - graceMs)}
    order by next_at
    limit ${limit}`);
  return rows.map(rowOf);
}

const iso = (ms: number) => new Date(ms).toISOString();
