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
 * RFM_INTERVAL_HOURS ago. Asking costs one short transaction a minute (the lock and the latest
 * run); two isolates firing at once make one run, the other skips (src/rfm/recompute.ts).
 */
export const RFM_JOB: ScheduledJob = {
  name: "rfm-segments",
  async run(env, at) {
    await runRfmSchedule(env, at);
  },
};

/** The schedule's run at `at` (what the job does), for the job and its tests. */
export async function runRfmSchedule(env: Env, at: number): Promise<RecomputeOutcome> {
  const settings = rfmSettings(env);
  const runId = await rfmRunId();
  return withDatabase(databaseSettings(env), (db) =>
    recomputeRfm(db, {
      runId,
      at,
      trigger: "schedule",
      actor: "schedule",
      windowDays: settings.windowDays,
      ifLastOlderThanMs: settings.intervalMs,
    }),
  );
}
