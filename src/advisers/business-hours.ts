import { addDays, instantOf, type LocalDate, weekdayIndexOf, zoneOffset } from "../calendar.ts";
import { intervalsOf } from "../stores/opening-hours.ts";
import { type OpeningHours, WEEKDAYS, type Weekday } from "../stores/store.ts";

/**
 * Business time between two instants (issue 17): how long a shopper waited while the advisers
 * were open. The response-time board counts in it, as Chatwoot's business-hours reports do: a
 * message at 17:50 answered at 09:10 the next day, with hours 09:00–18:00, waited 20 business
 * minutes (10 before closing, 10 after opening), not 15 h 20 min.
 *
 * The hours are a week of wall-clock intervals in one IANA zone (the stores' shape,
 * src/stores/store.ts: "09:00-18:00" per weekday, "24:00" for midnight, none: closed), read
 * through the zone's calendar (src/calendar.ts) so a daylight-saving night is as long as it
 * really was. Business time is the length of the set of instants in [from, to) that fall inside
 * an open interval; overlapping intervals of one day count once. Measured that way it is
 * additive over any split of the span, never more than the wall time, and zero for a span the
 * advisers were closed throughout: test/unit/business-hours.test.ts checks all three with fast-check.
 */

export interface BusinessHours {
  /** IANA zone the hours are wall-clock times in. */
  timeZone: string;
  hours: OpeningHours;
}

/** 09:00–18:00 every day, Shanghai: the board's hours until someone configures others. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  timeZone: "Asia/Shanghai",
  hours: Object.fromEntries(WEEKDAYS.map((day) => [day, ["09:00-18:00"]])) as OpeningHours,
};

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The calendar date of a day number (days since 1970-01-01). */
function dateOfDay(day: number): LocalDate {
  return addDays({ year: 1970, month: 1, day: 1 }, day);
}

/**
 * One week of hours, ready to measure many spans: each local day's midnight and open intervals
 * are turned into instants once and kept, and an instant's local day is found among the kept
 * midnights, so a board over 10,000 conversations in a month asks the zone's calendar (Intl,
 * some microseconds a question) about some thirty days, not 40,000 times.
 */
export class BusinessClock {
  readonly #hours: BusinessHours;
  readonly #days = new Map<number, ReadonlyArray<readonly [number, number]>>();
  readonly #midnights = new Map<number, number>();
  /** The zone's offset somewhere near the instants measured: a first guess of their local day. */
  #offsetGuess: number | null = null;

  constructor(hours: BusinessHours) {
    this.#hours = hours;
  }

  /** Business milliseconds in [from, to); 0 when `to` is not after `from`. */
  businessMs(from: number, to: number): number {
    if (!(to > from)) return 0;
    const first = this.dayOf(from);
    const last = this.dayOf(to);
    let total = 0;
    // A local day's intervals lie within that day, so the days from `from`'s to `to`'s hold them all.
    for (let day = first; day <= last; day++) {
      for (const [start, end] of this.openIntervals(day)) {
        const overlap = Math.min(end, to) - Math.max(start, from);
        if (overlap > 0) total += overlap;
      }
    }
    return total;
  }

  /** Whole business minutes in [from, to), rounded down. */
  businessMinutes(from: number, to: number): number {
    return Math.floor(this.businessMs(from, to) / MINUTE_MS);
  }

  /** Whether the advisers are open at an instant. */
  isOpenAt(at: number): boolean {
    return this.businessMs(at, at + 1) === 1;
  }

  /** The local day (days since 1970-01-01 on the zone's calendar) an instant falls in. */
  dayOf(at: number): number {
    this.#offsetGuess ??= zoneOffset(at, this.#hours.timeZone);
    // The guess is off by at most the zone's daylight-saving shift: a step either way finds the day.
    let day = Math.floor((at + this.#offsetGuess) / DAY_MS);
    while (at < this.#midnight(day)) day--;
    while (at >= this.#midnight(day + 1)) day++;
    return day;
  }

  /** The instant a local day starts (its first instant at or after 00:00 on the zone's wall clock). */
  #midnight(day: number): number {
    let at = this.#midnights.get(day);
    if (at === undefined) {
      at = instantOf(dateOfDay(day), 0, this.#hours.timeZone);
      this.#midnights.set(day, at);
    }
    return at;
  }

  /** The open intervals of a local day as instants [start, end), earliest first, overlaps merged. */
  openIntervals(day: number): ReadonlyArray<readonly [number, number]> {
    let intervals = this.#days.get(day);
    if (intervals) return intervals;
    const date = dateOfDay(day);
    const { timeZone, hours } = this.#hours;
    const weekday = WEEKDAYS[weekdayIndexOf(date)] as Weekday;
    const merged: Array<[number, number]> = [];
    for (const { open, close } of intervalsOf(hours, weekday)) {
      const start = instantOf(date, open, timeZone);
      const end = instantOf(date, close, timeZone);
      if (end <= start) continue; // a spring-forward gap swallowed it
      const previous = merged.at(-1);
      if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], end);
      else merged.push([start, end]);
    }
    intervals = merged;
    this.#days.set(day, intervals);
    return intervals;
  }

  /** Whether the week has any open time at all (a week closed throughout measures every wait as 0). */
  static hasOpenTime(hours: OpeningHours): boolean {
    return WEEKDAYS.some((day) => hours[day].length > 0);
  }
}

/** Business milliseconds in [from, to) under `hours` (one-off; a BusinessClock measures many). */
export function businessMs(from: number, to: number, hours: BusinessHours = DEFAULT_BUSINESS_HOURS): number {
  return new BusinessClock(hours).businessMs(from, to);
}
