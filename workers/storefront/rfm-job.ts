import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { type RecomputeOutcome, recomputeRfm } from "../../src/rfm/recompute.ts";
import { rfmSettings } from "../../src/rfm/rfm-settings.ts";
import type { ScheduledJob } from "./scheduled-job.ts";

/** A new run's id: `rfm_` and a random part, or for a person's run the digest of its Idempotency-Key (so a retry finds it). */
export async function rfmRunId(idempotencyKey?: string): Promise<string> {
  if (idempotencyKey === undefined) return `rfm_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`rfm-run:${idempotencyKey}`)));
  return `rfm_k${[...digest.slice(0, 10)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The RFM job (issue 17), every minute: a run when the last started more than
 * RFM_INTERVAL_HOURS ago. Asking costs one short transaction (the lock and the latest run), and
 * an isolate that has seen the last run asks nothing until the interval is up; two isolates
 * firing at once make one run, the other skips (src/rfm/recompute.ts).
 */
export const RFM_JOB: ScheduledJob = {
  name: "rfm-segments",
  async run(env, at) {
    await runRfmSchedule(env, at);
  },
};

/**
 * When the schedule can next be due, as this isolate last learnt it (the last run's start plus
 * the interval): before then the job asks Postgres nothing. A later run only moves it later, so
 * skipping on it is never wrong; a new isolate starts at 0 and asks once.
 */
let notDueBefore = 0;

/** The schedule's run at `at` (what the job does), for the job and its tests. */
export async function runRfmSchedule(env: Env, at: number): Promise<RecomputeOutcome> {
  if (at < notDueBefore) return { ran: false, reason: "not_due", run: null };
  const settings = rfmSettings(env);
  const runId = await rfmRunId();
  const outcome = await withDatabase(databaseSettings(env), (db) =>
    recomputeRfm(db, {
      runId,
      at,
      trigger: "schedule",
      actor: "schedule",
      windowDays: settings.windowDays,
      ifLastOlderThanMs: settings.intervalMs,
    }),
  );
  if (outcome.run) notDueBefore = Math.max(notDueBefore, outcome.run.startedAt + settings.intervalMs);
  return outcome;
}
