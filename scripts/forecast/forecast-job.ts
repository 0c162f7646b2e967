/**
 * The forecast job (issue 19): a Node process that runs queued forecast runs, those the console
 * asks for ("run now") and the one the Cron Trigger queues each day at 03:00 Asia/Shanghai. It
 * leases `queued` rows of `forecast_runs` (`for update skip locked`, `claimed_at`; a lease of a
 * job that died is taken again after 15 minutes), calls runForecast (scripts/forecast/run-forecast.ts:
 * @bsull/augurs' MSTL + ETS over every SKU and category) with a progress callback that moves the
 * row's `progress`, and marks the run done, or failed with the forecaster's reason (too little
 * history says how much is needed), which the console shows.
 *
 * `npm start` runs one in-process; in production it runs as its own service
 * (`DATABASE_URL=… npm run forecast:job`): the WASM model and a backtest per target are work for
 * Node next to Postgres, not for a Worker's CPU limits.
 */
import type { Database, DatabaseSettings } from "../../src/db/client.ts";
import { describeDatabaseFailure, isRefusedForData } from "../../src/db/errors.ts";
import { leaseQueuedRuns, markRunDone, markRunFailed, requeueRun, setRunProgress } from "../../src/forecast/run-queue.ts";
import { redactSecrets } from "../../src/redact.ts";
import { type QueueJob, runQueueJobAsMain, startQueuePasses } from "../cli/queue-passes.ts";
import { type RunForecastOptions, runForecast } from "./run-forecast.ts";

/** What the job calls for a run: runForecast, or a stand-in in tests. */
export type Forecaster = (
  db: Database,
  runId: string,
  options: RunForecastOptions,
  progress: (percent: number) => Promise<void>,
) => Promise<{ forecasts: number }>;

export interface PassOptions {
  limit?: number;
  now?: () => number;
  /** These runs and no others (tests sharing one Postgres). */
  only?: readonly string[];
  forecaster?: Forecaster;
  /** What each run forecasts; default {} (every SKU and category, 30 days, service level 0.9). Tests scope it to their SKUs. */
  forecastOptions?: RunForecastOptions;
}

/** Attempts after which a run that keeps failing for a passing reason (Postgres away) is marked failed. */
export const MAX_RUN_ATTEMPTS = 3;

/**
 * Whether a failure may pass by itself: Postgres or the network (an error carrying an SQLSTATE
 * or a system code such as ECONNRESET), but not rows Postgres refused. Anything else is the
 * forecaster refusing the data (too little history, nothing to forecast): the same next time.
 */
export function mayPass(error: unknown): boolean {
  const failure = describeDatabaseFailure(error);
  if (failure.sqlstate !== null) return !isRefusedForData(failure);
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return /connect|socket|timed? ?out|terminat/i.test(failure.summary);
}

/** One pass: leases up to `limit` queued runs and runs each. Returns how many finished (done or failed). */
export async function runQueuedForecasts(db: Database, options: PassOptions = {}): Promise<number> {
  const now = options.now ?? Date.now;
  const forecaster = options.forecaster ?? runForecast;
  let finished = 0;
  for (const run of await leaseQueuedRuns(db, options.limit ?? 1, now(), { ...(options.only ? { only: options.only } : {}) })) {
    try {
      // Progress is written only when it moves a whole point: a row update per few targets.
      let written = 0;
      const result = await forecaster(db, run.id, options.forecastOptions ?? {}, async (percent) => {
        const rounded = Math.max(0, Math.min(99, Math.floor(percent)));
        if (rounded > written) {
          written = rounded;
          await setRunProgress(db, run.id, rounded);
        }
      });
      await markRunDone(db, run.id, now());
      console.log(`forecast run ${run.id} (${run.source}): ${result.forecasts} forecasts`);
      finished += 1;
    } catch (error) {
      const message = redactSecrets((error as Error).message ?? String(error));
      console.error(`forecast run ${run.id} failed (attempt ${run.attempts}): ${message}`);
      if (mayPass(error) && run.attempts < MAX_RUN_ATTEMPTS) {
        await requeueRun(db, run.id, message);
      } else {
        await markRunFailed(db, run.id, mayPass(error) ? `not run after ${run.attempts} attempts: ${message}` : message, now());
        finished += 1;
      }
    }
  }
  return finished;
}

/** Runs passes every `intervalMs` (at once again while a pass found work) until stopped. */
export function startForecastJob(settings: DatabaseSettings, intervalMs = 5000): QueueJob {
  return startQueuePasses(settings, "forecast", (db) => runQueuedForecasts(db), { intervalMs });
}

runQueueJobAsMain(import.meta.url, startForecastJob, {
  needs: "the job runs queued demand forecast runs against Postgres.",
  running: "forecast job: running queued forecast runs",
});
