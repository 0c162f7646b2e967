import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { FollowUp, type FollowUpStatus } from "../../durable-objects/follow-up/index.ts";
import { type Sequence, type SequenceInput, sequenceSchema } from "../../src/sequences/sequence.ts";
import { SequenceCatalog } from "../../src/sequences/sequence-catalog.ts";
import { type TriggerKind, triggerId } from "../../src/sequences/trigger-kinds.ts";
import { DAY, freshId, rowsOf } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";

export const HOUR = 3_600_000;

/** The next Shanghai 10:00 at least a day from now: "day 0 10:00" of a worked example, ahead of every object's clock. */
export function nextShanghaiTen(now = Date.now()): number {
  const shanghaiMidnight = Math.floor((now + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
  return shanghaiMidnight + 2 * DAY + 10 * HOUR;
}

/** A sequence stored in KV (as the admin API would, version 1) under a fresh id. */
export async function seedSequence(overrides: Partial<SequenceInput> = {}): Promise<Sequence> {
  const sequence = sequenceSchema.parse({
    id: `seq-${crypto.randomUUID().slice(0, 8)}`,
    name: "7-day SOP",
    trigger: { kind: "team_failed" },
    steps: [0, 1, 3, 7].map((days) => ({
      after: { days, hours: 0 },
      title: { "zh-CN": `第 ${days} 天`, en: `Day ${days}` },
      body: { "zh-CN": "{name}，{product} 怎么样？", en: "Hi {name}, how is {product}?" },
    })),
    ...overrides,
  });
  await new SequenceCatalog(env.SALES).put(sequence);
  return sequence;
}

/** A pending trigger written as the event store or an RFM run would. */
export async function insertTrigger(
  kind: TriggerKind,
  shopperId: string,
  at: number,
  payload: Record<string, unknown> = {},
): Promise<string> {
  const id = triggerId(kind, freshId("src"));
  await withPostgres((pool) =>
    pool.query("insert into sequence_triggers (id, kind, shopper_id, at, payload) values ($1, $2, $3, $4, $5)", [
      id,
      kind,
      shopperId,
      new Date(at),
      JSON.stringify(payload),
    ]),
  );
  return id;
}

export type EnrolmentDbRow = {
  id: string;
  sequence_id: string;
  status: string;
  next_step: number;
  exit_reason: string | null;
  trigger_id: string;
};

export const enrolmentsOf = (shopperId: string) =>
  rowsOf<EnrolmentDbRow>(
    "select id, sequence_id, status, next_step, exit_reason, trigger_id from sequence_enrolments where shopper_id = $1 order by enrolled_at, id",
    [shopperId],
  );

export const sendsOf = (enrolmentId: string) =>
  rowsOf<{ step: number; sent_at: Date; due_at: Date; coupon_id: string | null }>(
    "select step, sent_at, due_at, coupon_id from sequence_sends where enrolment_id = $1 order by step",
    [enrolmentId],
  );

export const inboxOf = (shopperId: string) =>
  rowsOf<{ id: string; title: string; body: string; idempotency_key: string; created_at: Date; read_at: Date | null }>(
    "select id, title, body, idempotency_key, created_at, read_at from inbox_messages where shopper_id = $1 order by created_at, id",
    [shopperId],
  );

export const followUp = (enrolmentId: string) => env.FOLLOW_UP.getByName(enrolmentId);

/** Moves the object's clock to `at` (never back) and runs its alarm as the runtime would; answers whether one was set. */
export async function wakeAt(enrolmentId: string, at: number): Promise<boolean> {
  const stub = followUp(enrolmentId);
  await runInDurableObject(stub, (instance: FollowUp) => {
    const clock = FollowUp.clockOf(instance);
    // Held: the object's clock reads `at` exactly, as the worked example's times are asserted.
    clock.hold();
    clock.advance(Math.max(0, at - clock.now()));
  });
  return runDurableObjectAlarm(stub);
}

export const statusOf = (enrolmentId: string): Promise<FollowUpStatus> => followUp(enrolmentId).status();
