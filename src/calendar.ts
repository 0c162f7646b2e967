/**
 * The wall calendar of an IANA time zone: what date and time an instant is there, and which
 * instant a local date and time is. Stores' opening hours, the geofence's daily cap, the
 * store-coupon figures' days and hours, and price protection's window all count in a zone's
 * own days, never the Worker's (UTC) or the browser's; this is the one place that reads them.
 *
 * Daylight saving: a zone like Europe/Berlin skips 02:00–03:00 one spring night and repeats
 * 02:00–03:00 one autumn night. A local time in the gap is the instant the clock jumps past it
 * (02:30 that night is 03:00 summer time, the first time the clock shows 02:30 or later); a
 * repeated local time is its first occurrence, as with Temporal's `disambiguation:
 * "compatible"`. Asia/Shanghai has had no DST since 1991.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A calendar date (proleptic Gregorian), as the zone's wall calendar shows it. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
  /** 0 is Monday, 6 Sunday. */
  weekdayIndex: number;
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
export function zoneOffset(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return wallClockMs(whole, timeZone) - whole;
}

/** The local date and time of an instant in a zone. */
export function localDateTimeAt(epochMs: number, timeZone: string): LocalDateTime {
  const wall = new Date(wallClockMs(epochMs, timeZone));
  const hour = wall.getUTCHours();
  const minute = wall.getUTCMinutes();
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour,
    minute,
    second: wall.getUTCSeconds(),
    minutes: hour * 60 + minute,
    weekdayIndex: (wall.getUTCDay() + 6) % 7,
  };
}

/** The date `days` after `date` on the calendar. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** Days from 1970-01-01 to `date`: two dates' difference is the days between them on the calendar. */
export function dayNumber(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

/** The weekday of a date: 0 is Monday, 6 Sunday. */
export function weekdayIndexOf(date: LocalDate): number {
  // getUTCDay: 0 is Sunday.
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

/** A local date as `YYYY-MM-DD`. */
export function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

/**
 * The instant a zone's wall clock shows `minutes` past midnight of `date` ("24:00" is the next
 * midnight). In a spring-forward gap: the instant the gap ends; in an autumn repeat: the first.
 */
export function instantOf(date: LocalDate, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE_MS;
  // Real zones change their offset at most once within a day either side.
  const before = zoneOffset(wall - DAY_MS, timeZone);
  const after = zoneOffset(wall + DAY_MS, timeZone);
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

/** The instant the local day containing `at` ends (the next local midnight). */
export function endOfLocalDay(at: number, timeZone: string): number {
  return instantOf(addDays(localDateTimeAt(at, timeZone), 1), 0, timeZone);
}

/** Zones already asked about: building a formatter costs ~40 µs, and a 5,000-row store import names one zone 5,000 times. */
const knownZones = new Map<string, boolean>();

/** Whether the runtime knows a zone by this name. */
export function isTimeZone(name: string): boolean {
  const known = knownZones.get(name);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    valid = true;
  } catch {
    valid = false;
  }
  // Bounded: the names come from input.
  if (knownZones.size < 1_000) knownZones.set(name, valid);
  return valid;
}
