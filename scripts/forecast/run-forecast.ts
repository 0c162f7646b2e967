/**
 * One forecast run (issue 19): reads the shop's demand from Postgres, forecasts every SKU and
 * category with @bsull/augurs' MSTL + ETS (scripts/forecast/model.ts), scores each by a
 * rolling-origin backtest against seasonal-naive, sizes the stock of upcoming presales, and
 * writes one `demand_forecasts` row per target. The queue job (scripts/forecast/forecast-job.ts)
 * and `npm run forecast` both call `runForecast`; the run's own row (status, progress, error) is
 * theirs to keep.
 *
 * Demand is a unit on the day the shopper committed to it: an ordinary order when it was paid,
 * a presale order when its deposit was paid (so deposits so far count, and a presale's later
 * balance does not count twice). Forfeited deposits are left out: they did not sell.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { rollingOrigin } from "../../src/forecast/backtest.ts";
import { type DailySeries, dailySeries, shopDay, toDailyUnits, type UnitsAt } from "../../src/forecast/daily-series.ts";
import type { ForecastPoint, ForecastRecord, ForecastTarget } from "../../src/forecast/forecast-record.ts";
import { checkHistory } from "../../src/forecast/history-check.ts";
import { depositUnitsOf, readEndedPresales, readOpenPresales } from "../../src/forecast/presale-reads.ts";
import { conversionFor, recommendStock } from "../../src/forecast/stock.ts";
import type { Database } from "../../src/db/client.ts";
import { dailyForecast } from "./model.ts";

export type Db = Database;

/** An upcoming sale to size the stock for. */
export interface UpcomingSale {
  sku: string;
  startsAt: number;
  endsAt: number;
  currentStock: number;
}

export interface RunForecastOptions {
  /** Days ahead (default 30, at most 366). */
  horizonDays?: number;
  /** The stock recommendation's service level (default 0.9). */
  serviceLevel?: number;
  /** Only these SKUs / categories (default: every SKU and category with paid orders). */
  skus?: readonly string[];
  categories?: readonly string[];
  /** Run the rolling-origin backtest per target (default true). */
  backtest?: boolean;
  /**
   * Upcoming sales to size. Default: the presales with deposits in Postgres whose balance window
   * has not closed (the sale taken as the balance window; the current stock is not in Postgres, so 0).
   */
  upcomingSales?: readonly UpcomingSale[];
  now?: () => number;
}

export interface RunForecastResult {
  forecasts: number;
  /** Targets not forecast, each with why (too little history says how much is needed). */
  skipped: { target: ForecastTarget; reason: string }[];
  records: ForecastRecord[];
}

export const DEFAULT_HORIZON_DAYS = 30;
export const DEFAULT_SERVICE_LEVEL = 0.9;
const HISTORY_DAYS_KEPT = 120;
const BACKTEST_ORIGINS = 3;
const BACKTEST_HORIZON_MAX = 28;

interface DemandRow {
  sku: string;
  qty: number;
  at: number;
}

const rowsOf = async <T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> => (await db.execute(query)).rows as T[];

/** Paid orders at their payment, presale orders (deposit paid or paid) at their deposit. */
export async function readDemand(db: Database): Promise<DemandRow[]> {
  const rows = await rowsOf<{ sku: string; qty: number | string; at: number | string }>(
    db,
    sql`select o.sku, o.qty,
          case when o.presale is not null and o.presale->>'depositPaidAt' is not null
               then (o.presale->>'depositPaidAt')::bigint
               else (extract(epoch from coalesce(p.paid_at, o.updated_at)) * 1000)::bigint end as at
        from orders o
        left join order_payments p on p.order_id = o.id and p.kind = 'full'
        where o.status = 'paid'
           or (o.status = 'deposit_paid' and o.presale is not null and o.presale->>'depositPaidAt' is not null)`,
  );
  return rows.map((row) => ({ sku: row.sku, qty: Number(row.qty), at: Number(row.at) }));
}

/** Each SKU's category, as the storefront's events last named it. */
export async function readCategories(db: Database): Promise<Map<string, string>> {
  const rows = await rowsOf<{ sku: string; category: string }>(
    db,
    sql`select distinct on (sku) sku, category from events
        where sku is not null and category is not null order by sku, at desc`,
  );
  return new Map(rows.map((row) => [row.sku, row.category]));
}

/** The periods the series supports, or why it cannot be forecast. */
function planFor(length: number): { periods: number[]; notes: string[] } | { problem: string } {
  const verdict = checkHistory(length, [7, 365], "daily");
  return verdict.ok ? verdict.plan : { problem: verdict.problems.join("; ") };
}

function forecastMeans(history: readonly number[], firstDay: number, horizon: number): number[] {
  const plan = planFor(history.length);
  if ("problem" in plan) throw new Error(plan.problem);
  return dailyForecast(history, firstDay, { periods: plan.periods, horizon }).map((p) => p.mean);
}

/** Forecasts one target's series; a string when it cannot be. */
export function forecastSeries(
  series: DailySeries,
  horizonDays: number,
  withBacktest: boolean,
): { points: ForecastPoint[]; backtest: ForecastRecord["backtest"] } | string {
  const plan = planFor(series.values.length);
  if ("problem" in plan) return plan.problem;
  const points = dailyForecast(series.values, series.firstDay, { periods: plan.periods, horizon: horizonDays });
  let backtest: ForecastRecord["backtest"] = null;
  if (withBacktest) {
    const horizon = Math.min(horizonDays, BACKTEST_HORIZON_MAX);
    const detail = rollingOrigin(series.values, series.firstDay, forecastMeans, {
      horizon,
      origins: BACKTEST_ORIGINS,
      period: 7,
      minTrain: 14,
    });
    if (detail) {
      const { actual: _a, model: _m, naive: _n, ...score } = detail;
      backtest = score;
    }
  }
  return { points, backtest };
}

/**
 * Forecasts every target and writes its record under `runId` (again on a retry: one row per
 * run and target, replaced). `progress` hears 0–100 as targets finish. Throws when nothing
 * could be forecast, with every target's reason.
 */
export async function runForecast(
  db: Db,
  runId: string,
  options: RunForecastOptions,
  progress: (percent: number) => Promise<void>,
): Promise<RunForecastResult> {
  const now = (options.now ?? Date.now)();
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const serviceLevel = options.serviceLevel ?? DEFAULT_SERVICE_LEVEL;
  if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > 366) {
    throw new RangeError(`horizon must be a whole number of days from 1 to 366; got ${horizonDays}`);
  }
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new RangeError(`service level must be between 0 and 1; got ${serviceLevel}`);

  const demand = await readDemand(db);
  const categories = await readCategories(db);
  // Conversion per SKU from its own ended presales; a SKU without any takes the shop's.
  const ended = await readEndedPresales(db, now);
  const upcoming = new Map<string, UpcomingSale & { depositUnits?: number }>();
  const open = options.upcomingSales ? null : await readOpenPresales(db, now);
  for (const sale of options.upcomingSales ?? open?.map((presale) => ({ ...presale, currentStock: 0 })) ?? []) upcoming.set(sale.sku, sale);
  await progress(5);

  // The last whole day is yesterday in the shop's zone: today is still selling.
  const lastDay = shopDay(now) - 1;
  const bySku = new Map<string, UnitsAt[]>();
  const byCategory = new Map<string, UnitsAt[]>();
  const push = (map: Map<string, UnitsAt[]>, key: string, unitsAt: UnitsAt) => {
    const list = map.get(key);
    if (list) list.push(unitsAt);
    else map.set(key, [unitsAt]);
  };
  for (const row of demand) {
    const unitsAt = { at: row.at, units: row.qty };
    push(bySku, row.sku, unitsAt);
    const category = categories.get(row.sku);
    if (category !== undefined) push(byCategory, category, unitsAt);
  }
  const targets: { target: ForecastTarget; rows: UnitsAt[] }[] = [];
  const wantSku = options.skus ? new Set(options.skus) : null;
  const wantCategory = options.categories ? new Set(options.categories) : null;
  const onlyCategories = wantCategory !== null && wantSku === null;
  const onlySkus = wantSku !== null && wantCategory === null;
  for (const [key, rows] of [...bySku].sort(([a], [b]) => a.localeCompare(b))) {
    if (!onlyCategories && (wantSku === null || wantSku.has(key))) targets.push({ target: { kind: "sku", key }, rows });
  }
  for (const [key, rows] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
    if (!onlySkus && (wantCategory === null || wantCategory.has(key))) targets.push({ target: { kind: "category", key }, rows });
  }
  for (const key of wantSku ?? []) {
    if (!bySku.has(key)) targets.push({ target: { kind: "sku", key }, rows: [] });
  }
  for (const key of wantCategory ?? []) {
    if (!byCategory.has(key)) targets.push({ target: { kind: "category", key }, rows: [] });
  }

  const skipped: RunForecastResult["skipped"] = [];
  const records: ForecastRecord[] = [];
  for (const [index, { target, rows }] of targets.entries()) {
    const inRange = rows.filter((row) => shopDay(row.at) <= lastDay);
    if (inRange.length === 0) {
      skipped.push({ target, reason: `no paid orders before today; needs at least 2 × 7 days of history for weekly seasonality; has 0` });
      continue;
    }
    const series = dailySeries(inRange, { toDay: lastDay });
    const sale = target.kind === "sku" ? upcoming.get(target.key) : undefined;
    // A sale further ahead than the horizon is forecast up to its last day.
    const horizon = sale ? Math.min(366, Math.max(horizonDays, shopDay(sale.endsAt) - lastDay)) : horizonDays;
    // The model failing on one series (the WASM refusing it) skips that target, not the run;
    // Postgres failing below still fails the run, so the job can try it again.
    let result: ReturnType<typeof forecastSeries>;
    try {
      result = forecastSeries(series, horizon, options.backtest ?? true);
    } catch (error) {
      result = `the model failed on this series: ${(error as Error).message}`;
    }
    if (typeof result === "string") {
      skipped.push({ target, reason: result });
    } else {
      const stock = sale
        ? recommendStock({
            points: result.points,
            sale: { sku: sale.sku, startsAt: sale.startsAt, endsAt: sale.endsAt, stock: sale.currentStock },
            depositUnits: sale.depositUnits ?? (await depositUnitsOf(db, sale.sku, now)),
            conversion: conversionFor(ended, sale.sku),
            serviceLevel,
          })
        : null;
      const record: ForecastRecord = {
        id: randomUUID(),
        runId,
        target,
        createdAt: now,
        model: "mstl_ets",
        horizonDays: horizon,
        history: toDailyUnits(series).slice(-HISTORY_DAYS_KEPT),
        points: result.points,
        backtest: result.backtest,
        stock,
      };
      await db.execute(
        sql`insert into demand_forecasts (id, run_id, target_kind, target_key, record, created_at)
            values (${record.id}, ${runId}, ${target.kind}, ${target.key}, ${JSON.stringify(record)}::jsonb, ${new Date(now)})
            on conflict (run_id, target_kind, target_key) do update set id = excluded.id, record = excluded.record, created_at = excluded.created_at`,
      );
      records.push(record);
    }
    await progress(5 + Math.floor(((index + 1) / targets.length) * 95));
  }
  if (records.length === 0) {
    const reasons = skipped.map((s) => `${s.target.kind} ${s.target.key}: ${s.reason}`);
    throw new Error(targets.length === 0 ? "no paid orders in Postgres to forecast from" : `nothing forecast: ${reasons.join("; ")}`);
  }
  return { forecasts: records.length, skipped, records };
}
