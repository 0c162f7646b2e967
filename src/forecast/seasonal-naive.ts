/**
 * Seasonal-naive, the baseline every forecast is scored against: each future day repeats the
 * value one season earlier (the same weekday last week for daily demand, the same month last
 * year for monthly series). Beyond one season it repeats the last season again.
 */
export function seasonalNaive(history: readonly number[], period: number, horizon: number): number[] {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a whole number ≥ 1; got ${period}`);
  if (history.length < period) {
    throw new RangeError(`seasonal-naive needs at least one season (${period} values) of history; has ${history.length}`);
  }
  const lastSeason = history.slice(history.length - period);
  return Array.from({ length: horizon }, (_, h) => lastSeason[h % period] as number);
}
