import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { DAILY_RUN_HOUR, type ForecastRunRow, nextDailyRunAt, queueDailyRun, shanghaiDay } from "../../src/forecast/run-queue.ts";
import type { ScheduledJob } from "./scheduled-job.ts";

/**
 * The daily demand forecast (issue 19): every minute the Cron Trigger asks whether today's run
 * (Asia/Shanghai) is due, from 03:00 on, and queues it once. Its id is the day's
 * (`fcr_day_YYYY-MM-DD`), so isolates firing together or a minute retried make one row: the
 * insert's `on conflict do nothing`, not a flag. The Worker forecasts nothing: the Node job
 * (scripts/forecast/forecast-job.ts) runs the queued run.
 */
export const FORECAST_JOB: ScheduledJob = {
  name: "forecast-daily",
  async run(env, at) {
    await runForecastSchedule(env, at);
  },
};

/**
 * When this isolate next needs to ask (03:00 Shanghai of the day after the run it queued or
 * found): before then, the minute's job costs no query. A new isolate starts at 0 and asks once.
 */
let notDueBefore = 0;

/** The schedule at `at`: the day's run if this call queued it (`created`) or found it, null when not due yet. */
export async function runForecastSchedule(env: Env, at: number): Promise<{ row: ForecastRunRow; created: boolean } | null> {
  if (at < notDueBefore) return null;
  // Before 03:00 the day's run is not due: no connection at all until then.
  if (shanghaiDay(at).hour < DAILY_RUN_HOUR) {
    notDueBefore = Math.max(notDueBefore, nextDailyRunAt(at) - 24 * 3_600_000);
    return null;
  }
  const outcome = await withDatabase(databaseSettings(env), (db) => queueDailyRun(db, at));
  if (outcome) notDueBefore = Math.max(notDueBefore, nextDailyRunAt(at));
  return outcome;
}

/** For tests: forget what this isolate learnt, so the next call asks Postgres. */
export function forgetForecastSchedule(): void {
  notDueBefore = 0;
}
