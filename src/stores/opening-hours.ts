import { addDays, instantOf, type LocalDate, localDateTimeAt, weekdayIndexOf } from "../calendar.ts";
import { minutesOf, type OpeningHours, type Store, WEEKDAYS, type Weekday } from "./store.ts";

/**
 * Whether a store is open at an instant, and when it next opens (issue 15): the store finder's
 * "open now", and a redemption's 409 `store_closed` with `opensAt`. Opening hours are wall-clock
 * times in the store's own IANA zone, so every instant is read through that zone's calendar
 * (src/calendar.ts, with its daylight-saving rules: a store opening at 02:30 on the night Berlin
 * skips 02:00–03:00 opens at 03:00 summer time), never through the Worker's (UTC) or the browser's.
 */

/** The local date, weekday and time of day of an instant in a store's zone. */
export interface LocalTime extends LocalDate {
  weekday: Weekday;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
}

/** The local date, weekday and time of day of an instant in a zone. */
export function localTimeAt(epochMs: number, timeZone: string): LocalTime {
  const local = localDateTimeAt(epochMs, timeZone);
  return { year: local.year, month: local.month, day: local.day, weekday: WEEKDAYS[local.weekdayIndex] as Weekday, minutes: local.minutes };
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
    for (const { open } of intervalsOf(store.openingHours, WEEKDAYS[weekdayIndexOf(date)] as Weekday)) {
      const at = instantOf(date, open, store.timeZone);
      if (at > epochMs && !isOpenAt(store, at - 60_000)) return at;
    }
  }
  return null;
}

/** Minutes since midnight as "HH:MM" (1440: "24:00"). */
export function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
