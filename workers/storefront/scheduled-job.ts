/**
 * One job the storefront's Cron Trigger runs every minute (scheduled.ts lists them). A job
 * decides for itself whether this minute is one of its minutes, does a bounded batch, and is
 * safe to run twice or concurrently (idempotency keys and row locks, never "ran once" flags).
 */
export interface ScheduledJob {
  name: string;
  run(env: Env, at: number, ctx: ExecutionContext): Promise<void>;
}
