import { PRICE_PROTECTION_JOB } from "./api/price-protection-scan.ts";
import { TIER_JOB } from "./api/tier-recompute.ts";
import { POINTS_JOB } from "./points-jobs.ts";
import { crmOutboxDrain } from "./crm-drain.ts";
import { RFM_JOB } from "./rfm-job.ts";
import { FOLLOW_UP_JOB } from "./follow-up-job.ts";
import { FORECAST_JOB } from "./forecast-schedule.ts";
import type { ScheduledJob } from "./scheduled-job.ts";

/**
 * The storefront's Cron Trigger (wrangler.toml `[triggers]`, every minute): the jobs that run
 * on a schedule rather than in a request (issue 16: members' tiers, price protection's scan,
 * points' expiry and held points left behind, the CRM outbox's drain), each a ScheduledJob
 * (scheduled-job.ts). One job that fails is logged and does not stop the others.
 */

/**
 * Every job, in the order they run each minute: the follow-ups after the RFM run, so a segment
 * entered is taken the same minute; the CRM drain last: it sends what the jobs before it recorded.
 */
export const SCHEDULED_JOBS: ScheduledJob[] = [
  POINTS_JOB,
  TIER_JOB,
  PRICE_PROTECTION_JOB,
  RFM_JOB,
  FOLLOW_UP_JOB,
  FORECAST_JOB,
  crmOutboxDrain,
];

export async function runScheduledJobs(
  env: Env,
  at: number,
  ctx: ExecutionContext,
  jobs: readonly ScheduledJob[] = SCHEDULED_JOBS,
): Promise<void> {
  for (const job of jobs) {
    try {
      await job.run(env, at, ctx);
    } catch (error) {
      console.error(`scheduled job ${job.name} failed: ${(error as Error).message}`);
    }
  }
}
