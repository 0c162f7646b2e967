import type { ForecastRecord, ForecastTarget } from "../../src/forecast/forecast-record.ts";

/**
 * A stored forecast as the forecast job writes one (issue 19), for the serving tests: 28 days of
 * history with a weekly rhythm, then `horizon` days of forecast with widening 80 % and 95 %
 * bands, a backtest and, for a SKU, a stock recommendation. Means are 20 a day (30 on
 * Saturdays), so a 14-day forecast expects 300 units in all.
 */
export function sampleForecast(
  target: ForecastTarget,
  options: { runId: string; createdAt: number; horizon?: number; lastHistoryDay?: string },
): ForecastRecord {
  const horizon = options.horizon ?? 14;
  const last = Date.parse(`${options.lastHistoryDay ?? "2026-11-26"}T00:00:00Z`);
  const day = (offset: number) => new Date(last + offset * 86_400_000).toISOString().slice(0, 10);
  const saturday = (offset: number) => new Date(last + offset * 86_400_000).getUTCDay() === 6;
  const history = Array.from({ length: 28 }, (_, i) => ({ date: day(i - 27), units: saturday(i - 27) ? 31 : 19 + (i % 3) }));
  const points = Array.from({ length: horizon }, (_, i) => {
    const mean = saturday(i + 1) ? 30 : 20;
    const spread = 3 + i * 0.5;
    return {
      date: day(i + 1),
      mean,
      lower80: Math.max(0, mean - spread),
      upper80: mean + spread,
      lower95: Math.max(0, mean - 1.5 * spread),
      upper95: mean + 1.5 * spread,
    };
  });
  return {
    id: `df_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
    runId: options.runId,
    target,
    createdAt: options.createdAt,
    model: "mstl_ets",
    horizonDays: horizon,
    history,
    points,
    backtest: {
      mape: 0.123,
      wape: 0.084,
      naiveMape: 0.231,
      naiveWape: 0.19,
      stockingAccuracy: 0.916,
      origins: 4,
      horizonDays: 14,
    },
    stock:
      target.kind === "sku"
        ? {
            sku: target.key,
            startsAt: last + 3 * 86_400_000,
            endsAt: last + 10 * 86_400_000,
            serviceLevel: 0.9,
            depositUnits: 120,
            conversionRate: 0.85,
            conversionBasis: 400,
            forecastUnits: 181.4,
            recommendedUnits: 182,
            currentStock: 150,
          }
        : null,
  };
}

/** The statements that store a run (done) and its forecasts, for node-postgres or the Neon pool. */
export function storeForecastsSql(runId: string, records: readonly ForecastRecord[], at: number) {
  return [
    {
      text: `insert into forecast_runs (id, status, source, requested_by, progress, created_at, claimed_at, attempts, finished_at)
             values ($1, 'done', 'cli', 'test', 100, $2, $2, 1, $2) on conflict (id) do nothing`,
      values: [runId, new Date(at)],
    },
    ...records.map((record) => ({
      text: `insert into demand_forecasts (id, run_id, target_kind, target_key, record, created_at) values ($1, $2, $3, $4, $5::jsonb, $6)`,
      values: [record.id, runId, record.target.kind, record.target.key, JSON.stringify(record), new Date(record.createdAt)],
    })),
  ];
}
