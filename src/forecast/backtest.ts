/**
 * Rolling-origin evaluation (issue 19's backtest): the last `origins` windows of `horizon` days
 * are held out in turn; for each, the model is fitted on everything before the window and its
 * forecast compared with what sold, as is seasonal-naive's. Errors are pooled over all held-out
 * days (one MAPE and one WAPE over every origin's days), so a quiet window does not weigh as
 * much as a busy one in WAPE, as stock does not.
 */
import type { BacktestScore } from "./forecast-record.ts";
import { mape, wape } from "./metrics.ts";
import { seasonalNaive } from "./seasonal-naive.ts";

/** Means for `horizon` days after `history` (whose first value is on day `firstDay`). */
export type Forecaster = (history: readonly number[], firstDay: number, horizon: number) => number[];

export interface BacktestOptions {
  horizon: number;
  origins: number;
  /** The seasonal-naive baseline's period (7 for daily demand). */
  period: number;
  /** The least history the model is fitted on; origins that would leave less are dropped. */
  minTrain: number;
}

export interface BacktestDetail extends BacktestScore {
  actual: number[];
  model: number[];
  naive: number[];
}

/** Null when not even one origin leaves `minTrain` values of history. */
export function rollingOrigin(
  values: readonly number[],
  firstDay: number,
  forecaster: Forecaster,
  options: BacktestOptions,
): BacktestDetail | null {
  const actual: number[] = [];
  const model: number[] = [];
  const naive: number[] = [];
  let used = 0;
  for (let k = options.origins; k >= 1; k -= 1) {
    const origin = values.length - k * options.horizon;
    if (origin < options.minTrain || origin < options.period) continue;
    const train = values.slice(0, origin);
    const held = values.slice(origin, origin + options.horizon);
    actual.push(...held);
    model.push(...forecaster(train, firstDay, options.horizon).slice(0, held.length));
    naive.push(...seasonalNaive(train, options.period, options.horizon).slice(0, held.length));
    used += 1;
  }
  if (used === 0) return null;
  const modelWape = wape(actual, model);
  return {
    mape: mape(actual, model),
    wape: modelWape,
    naiveMape: mape(actual, naive),
    naiveWape: wape(actual, naive),
    stockingAccuracy: 1 - modelWape,
    origins: used,
    horizonDays: options.horizon,
    actual,
    model,
    naive,
  };
}
