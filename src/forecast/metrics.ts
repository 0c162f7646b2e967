/**
 * The M-competition error measures the backtest reports (issue 19). Both compare a forecast
 * with what happened, day by day, over the same days.
 *
 * - MAPE: the mean of |actual − forecast| / actual, over the days with actual > 0 only (a day
 *   without sales has no percentage error; counting it would divide by zero).
 * - WAPE: Σ|actual − forecast| / Σ actual: the units mis-stocked per unit sold. It stays finite
 *   for intermittent daily demand, which is why "stocking accuracy" is 1 − WAPE.
 */

export interface ErrorScores {
  mape: number;
  wape: number;
}

function checkSameLength(actual: readonly number[], forecast: readonly number[]): void {
  if (actual.length !== forecast.length) {
    throw new RangeError(`actual has ${actual.length} values and forecast ${forecast.length}; they must cover the same days`);
  }
}

/** Mean absolute percentage error over the days with actual > 0; NaN when there is none. */
export function mape(actual: readonly number[], forecast: readonly number[]): number {
  checkSameLength(actual, forecast);
  let sum = 0;
  let days = 0;
  for (let i = 0; i < actual.length; i += 1) {
    const a = actual[i] as number;
    if (a > 0) {
      sum += Math.abs(a - (forecast[i] as number)) / a;
      days += 1;
    }
  }
  return days === 0 ? Number.NaN : sum / days;
}

/** Weighted absolute percentage error: Σ|actual − forecast| / Σ actual; NaN when nothing sold. */
export function wape(actual: readonly number[], forecast: readonly number[]): number {
  checkSameLength(actual, forecast);
  let error = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i += 1) {
    error += Math.abs((actual[i] as number) - (forecast[i] as number));
    total += Math.abs(actual[i] as number);
  }
  return total === 0 ? Number.NaN : error / total;
}

export function scores(actual: readonly number[], forecast: readonly number[]): ErrorScores {
  return { mape: mape(actual, forecast), wape: wape(actual, forecast) };
}

/** How much better `model` is than `baseline` (0.4 = 40 % less error). */
export function improvement(model: number, baseline: number): number {
  return baseline === 0 ? 0 : 1 - model / baseline;
}
