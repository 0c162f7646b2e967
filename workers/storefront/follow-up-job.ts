import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { redactSecrets } from "../../src/redact.ts";
import { type EnrolmentRow, overdueEnrolments } from "../../src/sequences/enrolment-store.ts";
import type { Sequence } from "../../src/sequences/sequence.ts";
import { SequenceCatalog } from "../../src/sequences/sequence-catalog.ts";
import { raiseBalanceWindowTriggers } from "../../src/sequences/presale-balance-scan.ts";
import { type EnrolmentStart, type IntakeScope, TRIGGER_BATCH, takeTriggers } from "../../src/sequences/trigger-intake.ts";
import type { ScheduledJob } from "./scheduled-job.ts";

/** Batches of triggers one run takes at most: a backlog drains over a few minutes, never in one long run. */
const BATCHES_PER_RUN = 5;
/** An active enrolment whose next step is this late has lost its object's alarm (or never started it). */
export const OVERDUE_GRACE_MS = 5 * 60_000;
const SWEEP_LIMIT = 100;

/** What one run did, for the tests and the log. */
export interface FollowUpRun {
  /** Presale balance windows opened since the last run (issue 19): triggers raised, one per order. */
  raised: number;
  taken: number;
  enrolled: number;
  exited: number;
  restarted: number;
}

/**
 * The follow-up sequences' intake (issue 17), each minute: raises the presale balance windows
 * opened (issue 19, src/sequences/presale-balance-scan.ts), takes the pending triggers in
 * batches (src/sequences/trigger-intake.ts: enrol, exit, mark taken, one transaction each),
 * then starts a FollowUp object per new enrolment and stops those the exit rules ended. A
 * start that fails is not lost: the enrolment's row is active with its next step's time, and
 * the sweep at the end starts every enrolment that is overdue by OVERDUE_GRACE_MS again
 * (`start` on a started object changes nothing).
 */
export async function runFollowUps(env: Env, at: number, scope: Pick<IntakeScope, "shoppers"> = {}): Promise<FollowUpRun> {
  const catalog = new SequenceCatalog(env.SALES);
  const sequences = await catalog.list();
  const run: FollowUpRun = { raised: 0, taken: 0, enrolled: 0, exited: 0, restarted: 0 };
  await withDatabase(databaseSettings(env), async (db) => {
    // First, so a window that opened this minute is taken this minute.
    run.raised = await raiseBalanceWindowTriggers(db, at);
    for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
      const taken = await takeTriggers(db, sequences, at, scope);
      run.taken += taken.taken;
      run.enrolled += taken.enrolled.length;
      run.exited += taken.exited.length;
      const byId = new Map(sequences.map((s) => [s.id, s]));
      await Promise.all([
        ...taken.enrolled.map((enrolment) => startObject(env, enrolment, byId.get(enrolment.sequenceId)!)),
        ...taken.exited.map((id) => stopObject(env, id)),
      ]);
      if (taken.taken < TRIGGER_BATCH) break;
    }
    const overdue = await overdueEnrolments(db, at, OVERDUE_GRACE_MS, SWEEP_LIMIT);
    for (const row of overdue) if (await restart(env, catalog, row)) run.restarted++;
  });
  return run;
}

async function startObject(env: Env, enrolment: EnrolmentStart, sequence: Sequence, nextStep = 0): Promise<boolean> {
  try {
    await env.FOLLOW_UP.getByName(enrolment.id).start({ enrolment, sequence, nextStep });
    return true;
  } catch (error) {
    console.error(`follow-up ${enrolment.id}: not started (the sweep tries again): ${redactSecrets((error as Error).message)}`);
    return false;
  }
}

async function stopObject(env: Env, id: string): Promise<void> {
  // Best effort: an object that misses this finds the enrolment ended when it next wakes.
  await env.FOLLOW_UP.getByName(id)
    .exit("exited")
    .catch((error: Error) => console.error(`follow-up ${id}: not stopped (it will stop itself): ${redactSecrets(error.message)}`));
}

/** Starts an overdue enrolment from its row, on the version it was enrolled under (kept in KV's history). */
async function restart(env: Env, catalog: SequenceCatalog, row: EnrolmentRow): Promise<boolean> {
  const sequence = await catalog.version(row.sequenceId, row.sequenceVersion);
  if (!sequence) {
    console.error(`follow-up ${row.id}: version ${row.sequenceVersion} of ${row.sequenceId} is not kept; not restarted`);
    return false;
  }
  const status = await env.FOLLOW_UP.getByName(row.id)
    .start({ enrolment: row, sequence, nextStep: row.nextStep })
    .catch(() => null);
  if (!status) return false;
  // Started before and only its alarm was lost (or is late): wake it now.
  if (status.alarm === null && status.progress.status === "active")
    await env.FOLLOW_UP.getByName(row.id)
      .wake()
      .catch(() => undefined);
  return true;
}

/** The Cron Trigger's follow-up job (scheduled.ts). */
export const FOLLOW_UP_JOB: ScheduledJob = {
  name: "follow-up-sequences",
  async run(env, at) {
    const run = await runFollowUps(env, at);
    if (run.raised + run.taken + run.restarted > 0) console.log(`follow-ups: ${JSON.stringify(run)}`);
  },
};
