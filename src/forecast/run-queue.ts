import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { demandForecasts, forecastRuns } from "../db/schema.ts";
import type { ForecastRecord, ForecastTargetKind } from "./forecast-record.ts";

/**
 * Forecast runs in Postgres (issue 19): queued by the console (one per Idempotency-Key), by the
 * daily schedule (one per Shanghai day) or by `npm run forecast`; leased and finished by the
 * Node job (scripts/forecast/forecast-job.ts); and the stored forecasts the console reads. The
 * Worker only queues and reads here: the forecasting itself runs Node-side.
 */

export type ForecastRunRow = typeof forecastRuns.$inferSelect;
export type ForecastRunSource = "console" | "schedule" | "cli";

/** A run as the API and the console see it. */
export function presentRun(row: ForecastRunRow, forecasts: number | null = null) {
  return {
    id: row.id,
    status: row.status,
    source: row.source,
    requestedBy: row.requestedBy,
    progress: row.progress,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.createdAt.getTime(),
    claimedAt: row.claimedAt?.getTime() ?? null,
    finishedAt: row.finishedAt?.getTime() ?? null,
    /** Forecasts the run has written so far; null when not counted (in a list). */
    forecasts,
  };
}
export type ForecastRunView = ReturnType<typeof presentRun>;

const rowsOf = async <T>(db: Database, query: SQL): Promise<T[]> => (await db.execute(query)).rows as T[];

async function digestId(prefix: string, text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `${prefix}${[...digest.slice(0, 10)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** A console run's id for an Idempotency-Key: the same key, the same run (no column of its own needed). */
export function consoleRunId(idempotencyKey: string): Promise<string> {
  return digestId("fcr_k", `forecast-run:${idempotencyKey}`);
}

/** The shop's zone, Asia/Shanghai, is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Shanghai calendar day of `at`, `YYYY-MM-DD`, and the hour (0–23) there. */
export function shanghaiDay(at: number): { day: string; hour: number } {
  const shifted = new Date(at + SHANGHAI_OFFSET_MS);
  return { day: shifted.toISOString().slice(0, 10), hour: shifted.getUTCHours() };
}

/** The daily run's hour, Asia/Shanghai: after the night's orders, before the marketers' day. */
export const DAILY_RUN_HOUR = 3;

/** The scheduled run of a Shanghai day has this id: the primary key makes it one a day, whichever isolate fires. */
export const scheduledRunId = (day: string) => `fcr_day_${day}`;

/** The next time the daily run is due after `at`'s day's (03:00 Shanghai of the next day), epoch ms. */
export function nextDailyRunAt(at: number): number {
  const { day } = shanghaiDay(at);
  return Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS + 24 * 3_600_000 + DAILY_RUN_HOUR * 3_600_000;
}

/**
 * Queues a run with `id` once: the same id again answers the row it made (`created` false), so
 * a retried request or a second isolate's schedule makes no second run.
 */
export async function queueRun(
  db: Database,
  run: { id: string; source: ForecastRunSource; requestedBy: string | null; at: number },
): Promise<{ row: ForecastRunRow; created: boolean }> {
  const inserted = await db
    .insert(forecastRuns)
    .values({ id: run.id, status: "queued", source: run.source, requestedBy: run.requestedBy, createdAt: new Date(run.at) })
    .onConflictDoNothing()
    .returning();
  if (inserted[0]) return { row: inserted[0], created: true };
  const existing = await readRun(db, run.id);
  if (!existing) throw new Error(`forecast run ${run.id} neither inserted nor found`);
  return { row: existing, created: false };
}

/**
 * The day's scheduled run, once `at` is at or past 03:00 Shanghai: queued if no run of that day
 * exists yet (null before 03:00). `created` says whether this call made it.
 */
export async function queueDailyRun(db: Database, at: number): Promise<{ row: ForecastRunRow; created: boolean } | null> {
  const { day, hour } = shanghaiDay(at);
  if (hour < DAILY_RUN_HOUR) return null;
  return queueRun(db, { id: scheduledRunId(day), source: "schedule", requestedBy: "schedule", at });
}

export async function readRun(db: Database, id: string): Promise<ForecastRunRow | null> {
  const [row] = await db.select().from(forecastRuns).where(sql`${forecastRuns.id} = ${id}`);
  return row ?? null;
}

/** How many forecasts a run has written. */
export async function countForecasts(db: Database, runId: string): Promise<number> {
  const [row] = await rowsOf<{ n: string }>(db, sql`select count(*) as n from demand_forecasts where run_id = ${runId}`);
  return Number(row?.n ?? 0);
}

/** The newest runs first. */
export function listRuns(db: Database, limit: number): Promise<ForecastRunRow[]> {
  return db.select().from(forecastRuns).orderBy(sql`${forecastRuns.createdAt} desc, ${forecastRuns.id}`).limit(limit);
}

/** A lease older than this is a job that died: its run is taken again. */
export const RUN_LEASE_MS = 15 * 60_000;

/**
 * Leases up to `limit` queued runs (and running ones whose lease ran out), oldest first, `for
 * update skip locked`, so jobs can run side by side. `only`: these and no others (tests sharing one Postgres).
 */
export async function leaseQueuedRuns(
  db: Database,
  limit: number,
  at: number,
  options: { leaseMs?: number; only?: readonly string[] } = {},
): Promise<ForecastRunRow[]> {
  const expired = new Date(at - (options.leaseMs ?? RUN_LEASE_MS)).toISOString();
  const only = options.only ? sql`and id in (select jsonb_array_elements_text(${JSON.stringify(options.only)}::jsonb))` : sql``;
  const leased = await rowsOf<{ id: string }>(
    db,
    sql`update forecast_runs set status = 'running', claimed_at = ${new Date(at).toISOString()}, attempts = attempts + 1, progress = 0, error = null
      where id in (
        select id from forecast_runs
        where (status = 'queued' or (status = 'running' and claimed_at < ${expired})) ${only}
        order by created_at, id limit ${limit}
        for update skip locked)
      returning id`,
  );
  const rows: ForecastRunRow[] = [];
  for (const { id } of leased) {
    const row = await readRun(db, id);
    if (row) rows.push(row);
  }
  return rows;
}

/** Progress 0–100 of a running run (a run no longer running is left alone). */
export async function setRunProgress(db: Database, id: string, progress: number): Promise<void> {
  const percent = Math.max(0, Math.min(100, Math.round(progress)));
  await db.execute(sql`update forecast_runs set progress = ${percent} where id = ${id} and status = 'running'`);
}

export async function markRunDone(db: Database, id: string, at: number): Promise<void> {
  await db.execute(
    sql`update forecast_runs set status = 'done', progress = 100, error = null, finished_at = ${new Date(at).toISOString()} where id = ${id}`,
  );
}

/** A run that failed for good, with why (shown in the console: "needs at least 14 days of history; has 9"). */
export async function markRunFailed(db: Database, id: string, message: string, at: number): Promise<void> {
  await db.execute(
    sql`update forecast_runs set status = 'failed', error = ${message.slice(0, 1_000)}, finished_at = ${new Date(at).toISOString()} where id = ${id}`,
  );
}

/** A run to try again at the next pass (status back to queued, the error kept for the console). */
export async function requeueRun(db: Database, id: string, message: string): Promise<void> {
  await db.execute(sql`update forecast_runs set status = 'queued', error = ${message.slice(0, 1_000)} where id = ${id}`);
}

/** A target's newest forecast, in short: what the console's list shows without the daily points. */
export function summarizeForecast(record: ForecastRecord, run: ForecastRunRow | null) {
  const sum = (pick: (p: ForecastRecord["points"][number]) => number) =>
    Math.round(record.points.reduce((total, p) => total + pick(p), 0) * 10) / 10;
  return {
    id: record.id,
    target: record.target,
    runId: record.runId,
    createdAt: record.createdAt,
    model: record.model,
    horizonDays: record.horizonDays,
    /** Σ expected units over the horizon, and the sums of the 80 % bounds (a rough range: daily bounds do not add exactly). */
    expectedUnits: sum((p) => p.mean),
    lower80Units: sum((p) => p.lower80),
    upper80Units: sum((p) => p.upper80),
    backtest: record.backtest,
    stock: record.stock,
    run: run ? { id: run.id, status: run.status, source: run.source, finishedAt: run.finishedAt?.getTime() ?? null } : null,
  };
}
export type ForecastSummary = ReturnType<typeof summarizeForecast>;

/** Each target's newest forecast (optionally of one kind), targets in order, at most `limit`. */
export async function latestForecasts(db: Database, options: { kind?: ForecastTargetKind; limit: number }): Promise<ForecastSummary[]> {
  const kind = options.kind ? sql`where d.target_kind = ${options.kind}` : sql``;
  const rows = await rowsOf<{ record: ForecastRecord | string; run_id: string }>(
    db,
    sql`select distinct on (d.target_kind, d.target_key) d.record, d.run_id
      from demand_forecasts d ${kind}
      order by d.target_kind desc, d.target_key, d.created_at desc, d.id desc
      limit ${options.limit}`,
  );
  const runIds = [...new Set(rows.map((r) => r.run_id))];
  const runs =
    runIds.length === 0
      ? []
      : await db
          .select()
          .from(forecastRuns)
          .where(sql`${forecastRuns.id} in (select jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb))`);
  const runOf = new Map(runs.map((r) => [r.id, r]));
  // One record the console cannot read (written by hand, or by an older job) costs its own row,
  // not the whole list: it is left out and logged.
  return rows.flatMap((r) => {
    const record = readableRecord(r.record);
    if (record) return [summarizeForecast(record, runOf.get(r.run_id) ?? null)];
    console.warn(`forecast list: left out an unreadable record of run ${r.run_id}`);
    return [];
  });
}

/** The record, when it has what a summary reads (a target and daily points), else null. */
function readableRecord(stored: ForecastRecord | string): ForecastRecord | null {
  let record: ForecastRecord;
  try {
    record = parsed(stored);
  } catch {
    return null;
  }
  const points: unknown = record?.points;
  const readable =
    typeof record?.id === "string" &&
    typeof record.target?.key === "string" &&
    Array.isArray(points) &&
    points.every((p) => ["mean", "lower80", "upper80"].every((k) => typeof (p as Record<string, unknown>)?.[k] === "number"));
  return readable ? record : null;
}

/** jsonb comes back parsed from the Neon driver and from node-postgres; a string is parsed here. */
const parsed = (record: ForecastRecord | string): ForecastRecord =>
  typeof record === "string" ? (JSON.parse(record) as ForecastRecord) : record;

/** A target's newest forecast, whole (points, history, backtest, stock), or null. */
export async function latestForecast(db: Database, kind: ForecastTargetKind, key: string): Promise<ForecastRecord | null> {
  const [row] = await db
    .select({ record: demandForecasts.record })
    .from(demandForecasts)
    .where(sql`${demandForecasts.targetKind} = ${kind} and ${demandForecasts.targetKey} = ${key}`)
    .orderBy(sql`${demandForecasts.createdAt} desc, ${demandForecasts.id} desc`)
    .limit(1);
  return row ? parsed(row.record) : null;
}
