import { minutesOf, type OpeningHours, type Store, WEEKDAYS, type Weekday } from "./store.ts";

/**
 * Whether a store is open at an instant, and when it next opens (issue 15): the store finder's
 * "open now", and a redemption's 409 `store_closed` with `opensAt`. Opening hours are wall-clock
 * times in the store's own IANA zone, so every instant is read through Intl in that zone, never
 * through the Worker's (UTC) or the browser's.
 *
 * Daylight saving: a zone like Europe/Berlin skips 02:00–03:00 one spring night and repeats
 * 02:00–03:00 one autumn night. A local time in the gap is the instant the clock jumps past it
 * (a store opening at 02:30 that night opens at 03:00 summer time, when its clock first shows a
 * time at or after 02:30); a repeated local time is its first occurrence, as with Temporal's
 * `disambiguation: "compatible"`. Asia/Shanghai has had no DST since 1991.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A calendar date (proleptic Gregorian), as the zone's wall calendar shows it. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalTime extends LocalDate {
  weekday: Weekday;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // h23: some engines write midnight as "24" with hour12: false.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading of an instant in a zone, as if it were UTC: epoch ms of the same Y-M-D h:m:s. */
function wallClockMs(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(epochMs)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** The zone's offset from UTC at an instant, ms (Shanghai: +8 h). Whole seconds: Intl shows no milliseconds. */
function offsetAt(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return wallClockMs(whole, timeZone) - whole;
}

function weekdayOf(date: LocalDate): Weekday {
  // getUTCDay: 0 is Sunday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7] as Weekday;
}

/** The local date, weekday and time of day of an instant in a zone. */
export function localTimeAt(epochMs: number, timeZone: string): LocalTime {
  const wall = new Date(wallClockMs(epochMs, timeZone));
  const date = { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
  return { ...date, weekday: weekdayOf(date), minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/** The date `days` after `date` on the calendar. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/**
 * The instant a zone's wall clock shows `minutes` past midnight of `date` ("24:00" is the next
 * midnight). In a spring-forward gap: the instant the gap ends; in an autumn repeat: the first.
 */
export function instantOf(date: LocalDate, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE_MS;
  // Real zones change their offset at most once within a day either side.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const shows = (instant: number) => wallClockMs(instant, timeZone) === wall;
  const candidates = [wall - before, wall - after].filter(shows);
  if (candidates.length > 0) return Math.min(...candidates);
  // In the gap: the first minute whose wall clock reads `wall` or later, between the instant
  // read with the summer offset (before the jump) and the one read with the winter offset (after).
  let lo = wall - Math.max(before, after);
  let hi = wall - Math.min(before, after);
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (wallClockMs(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The opening intervals of a weekday, in minutes since local midnight, earliest first. */
export function intervalsOf(hours: OpeningHours, weekday: Weekday): Array<{ open: number; close: number }> {
  return hours[weekday]
    .map((text) => {
      const [open, close] = text.split("-") as [string, string];
      return { open: minutesOf(open), close: minutesOf(close) };
    })
    .sort((a, b) => a.open - b.open);
}

/** Whether the store is open at an instant, by its hours in its own zone. A store with no hours is never open. */
export function isOpenAt(store: Pick<Store, "openingHours" | "timeZone">, epochMs: number): boolean {
  const local = localTimeAt(epochMs, store.timeZone);
  return intervalsOf(store.openingHours, local.weekday).some(({ open, close }) => open <= local.minutes && local.minutes < close);
}

/** The store's hours on the local day of an instant ("09:00-21:00"…; none: closed that day). */
export function hoursOnDayOf(store: Pick<Store, "openingHours" | "timeZone">, epochMs: number): string[] {
  const weekday = localTimeAt(epochMs, store.timeZone).weekday;
  return intervalsOf(store.openingHours, weekday).map(({ open, close }) => `${clock(open)}-${clock(close)}`);
}

/**
 * The next instant after `epochMs` at which the store opens (a closed store's doors open), or
 * null when it has no opening hours. An interval that only continues one ending at 24:00 the
 * day before is not an opening. Looks a week and a day ahead: every weekday comes round.
 */
export function nextOpening(store: Pick<Store, "openingHours" | "timeZone">, epochMs: number): number | null {
  const today = localTimeAt(epochMs, store.timeZone);
  for (let days = 0; days <= 7; days++) {
    const date = addDays(today, days);
    for (const { open } of intervalsOf(store.openingHours, weekdayOf(date))) {
      const at = instantOf(date, open, store.timeZone);
      if (at > epochMs && !isOpenAt(store, at - MINUTE_MS)) return at;
    }
  }
  return null;
}

/** Minutes since midnight as "HH:MM" (1440: "24:00"). */
export function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
