/**
 * The shopping festivals as holiday effects (issue 19). MSTL has no regressors, so each
 * festival is a window of days around its date with one multiplier per day of the window,
 * learned from past years: the ratio of what sold that day to the seasonal baseline (the mean
 * of the same weekday in the four weeks before the window). The model is fitted on the history
 * with festival days divided by their multiplier (a "normal" year), and its forecast is
 * multiplied back on festival days in the horizon.
 *
 * 11.11 (Singles' Day) and 6.18 (JD's anniversary sale) fall on fixed dates; Spring Festival
 * (春节, lunar new year's day) moves, hence the table below.
 */

/**
 * Lunar new year's day (正月初一) 2015–2035, from the Hong Kong Observatory's Gregorian–Lunar
 * Calendar Conversion Table (https://www.hko.gov.hk/en/gts/time/conversion.htm).
 */
export const SPRING_FESTIVAL: Readonly<Record<number, string>> = {
  2015: "2015-02-19",
  2016: "2016-02-08",
  2017: "2017-01-28",
  2018: "2018-02-16",
  2019: "2019-02-05",
  2020: "2020-01-25",
  2021: "2021-02-12",
  2022: "2022-02-01",
  2023: "2023-01-22",
  2024: "2024-02-10",
  2025: "2025-01-29",
  2026: "2026-02-17",
  2027: "2027-02-06",
  2028: "2028-01-26",
  2029: "2029-02-13",
  2030: "2030-02-03",
  2031: "2031-01-23",
  2032: "2032-02-11",
  2033: "2033-01-31",
  2034: "2034-02-19",
  2035: "2035-02-08",
};

export type FestivalName = "11.11" | "6.18" | "spring_festival";

export interface Festival {
  name: FestivalName;
  /** Days of the window relative to the festival's date (0 = the day itself). */
  from: number;
  to: number;
  /** The festival's date in `year`, `YYYY-MM-DD`, or null when unknown (Spring Festival outside the table). */
  dateIn(year: number): string | null;
}

/**
 * The windows: 11.11's presale peak runs from the 1st (first payments) to the 11th; 6.18 from
 * the 1st to the 18th is too long to learn day by day, so its last three days; Spring Festival's
 * week off (delivery stops) plus the week before it.
 */
export const FESTIVALS: readonly Festival[] = [
  { name: "11.11", from: -10, to: 1, dateIn: (year) => `${year}-11-11` },
  { name: "6.18", from: -2, to: 0, dateIn: (year) => `${year}-06-18` },
  { name: "spring_festival", from: -7, to: 6, dateIn: (year) => SPRING_FESTIVAL[year] ?? null },
];

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export interface FestivalDay {
  festival: FestivalName;
  /** Days from the festival's date. */
  offset: number;
}

/** Which festival window each day falls in (the first listed wins on overlap), by day number. */
export function festivalCalendar(firstDay: number, lastDay: number): Map<number, FestivalDay> {
  const calendar = new Map<number, FestivalDay>();
  const firstYear = Number(dateOfDay(firstDay).slice(0, 4)) - 1;
  const lastYear = Number(dateOfDay(lastDay).slice(0, 4)) + 1;
  for (const festival of FESTIVALS) {
    for (let year = firstYear; year <= lastYear; year += 1) {
      const date = festival.dateIn(year);
      if (date === null) continue;
      const anchor = dayNumber(date);
      for (let offset = festival.from; offset <= festival.to; offset += 1) {
        const day = anchor + offset;
        if (day >= firstDay && day <= lastDay && !calendar.has(day)) calendar.set(day, { festival: festival.name, offset });
      }
    }
  }
  return calendar;
}

function key(festivalDay: FestivalDay): string {
  return `${festivalDay.festival}:${festivalDay.offset}`;
}

/**
 * A learned festival day: its multiplier, and how much the log of it varied from year to year
 * (the sample standard deviation; 0 from one year), which widens the day's forecast bands.
 */
export interface FestivalEffect {
  multiplier: number;
  logSpread: number;
  years: number;
}

/** Learned effects, by festival and offset; a day without one has multiplier 1. */
export type FestivalEffects = Map<string, FestivalEffect>;

export function multiplierOf(effects: FestivalEffects, festivalDay: FestivalDay | undefined): number {
  return festivalDay === undefined ? 1 : (effects.get(key(festivalDay))?.multiplier ?? 1);
}

export function spreadOf(effects: FestivalEffects, festivalDay: FestivalDay | undefined): number {
  return festivalDay === undefined ? 0 : (effects.get(key(festivalDay))?.logSpread ?? 0);
}

/**
 * Learns each festival day's multiplier from the history (`values[i]` sold on day `firstDay + i`):
 * the geometric mean over past years of (that day + 1) / (baseline + 1), the baseline being the
 * mean of the same weekday in the four weeks before the window (the +1 keeps days without sales
 * finite). A window with less than four clean weeks before it in the history is not used.
 */
export function learnFestivalEffects(values: readonly number[], firstDay: number): FestivalEffects {
  const lastDay = firstDay + values.length - 1;
  const calendar = festivalCalendar(firstDay, lastDay);
  const logs = new Map<string, number[]>();
  for (const [day, festivalDay] of calendar) {
    const windowStart = day - festivalDay.offset + (FESTIVALS.find((f) => f.name === festivalDay.festival)?.from ?? 0);
    const sameWeekday: number[] = [];
    // The latest same weekday before the window, then a week earlier each time (skipping other festivals).
    let candidate = day - 7 * Math.ceil((day - windowStart + 1) / 7);
    for (let tries = 0; tries < 6 && sameWeekday.length < 4; tries += 1, candidate -= 7) {
      if (candidate < firstDay) break;
      if (!calendar.has(candidate)) sameWeekday.push(values[candidate - firstDay] as number);
    }
    if (sameWeekday.length < 4) continue;
    const baseline = sameWeekday.reduce((s, v) => s + v, 0) / sameWeekday.length;
    const ratio = ((values[day - firstDay] as number) + 1) / (baseline + 1);
    const list = logs.get(key(festivalDay)) ?? [];
    list.push(Math.log(ratio));
    logs.set(key(festivalDay), list);
  }
  const effects: FestivalEffects = new Map();
  for (const [k, list] of logs) {
    const mean = list.reduce((s, v) => s + v, 0) / list.length;
    const variance = list.length > 1 ? list.reduce((s, v) => s + (v - mean) ** 2, 0) / (list.length - 1) : 0;
    effects.set(k, { multiplier: Math.exp(mean), logSpread: Math.sqrt(variance), years: list.length });
  }
  return effects;
}
