/**
 * Daily units from order rows: each row's units counted on its calendar day in the shop's zone
 * (Asia/Shanghai, UTC+8 all year: China keeps no daylight saving), every day from the first
 * to the last zero-filled, because a day without orders is a day that sold nothing, and the
 * model's weekly pattern needs every day in its place.
 */
import { dateOfDay } from "./festivals.ts";
import type { DailyUnits } from "./forecast-record.ts";

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The shop's calendar day of an instant, as days since 1970-01-01. */
export function shopDay(epochMs: number): number {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS);
}

export interface UnitsAt {
  at: number;
  units: number;
}

export interface DailySeries {
  /** Day number (since 1970-01-01, shop time) of `values[0]`. */
  firstDay: number;
  values: number[];
}

/**
 * Sums `rows` by shop day from `fromDay` (default: the first row's day) to `toDay` inclusive
 * (default: the last row's); rows outside are left out.
 */
export function dailySeries(rows: readonly UnitsAt[], range: { fromDay?: number; toDay?: number } = {}): DailySeries {
  const days = rows.map((row) => shopDay(row.at));
  // A loop, not Math.min(...days): a spread of 10⁵ arguments overflows the stack.
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const day of days) {
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const fromDay = range.fromDay ?? (days.length ? first : 0);
  const toDay = range.toDay ?? (days.length ? last : fromDay - 1);
  const values = new Array<number>(Math.max(0, toDay - fromDay + 1)).fill(0);
  rows.forEach((row, i) => {
    const index = (days[i] as number) - fromDay;
    if (index >= 0 && index < values.length) values[index] = (values[index] as number) + row.units;
  });
  return { firstDay: fromDay, values };
}

export function toDailyUnits(series: DailySeries): DailyUnits[] {
  return series.values.map((units, i) => ({ date: dateOfDay(series.firstDay + i), units }));
}
