import type { OpeningHours } from "./store.ts";
import { WEEKDAYS, type Weekday } from "./weekdays.ts";

/**
 * The text form of a week's hours: days with the same intervals in one group, runs of days as
 * ranges. `parseOpeningHours(formatOpeningHours(h))` gives `h` back (with each day's intervals
 * as given).
 */
export function formatOpeningHours(hours: OpeningHours): string {
  const groups = new Map<string, Weekday[]>();
  for (const day of WEEKDAYS) {
    if (hours[day].length === 0) continue;
    const key = hours[day].join(",");
    groups.set(key, [...(groups.get(key) ?? []), day]);
  }
  return [...groups].map(([intervals, days]) => `${dayRanges(days)} ${intervals}`).join("; ");
}

/** mon,tue,wed,fri → "mon-wed,fri". */
function dayRanges(days: Weekday[]): string {
  if (days.length === 7) return "daily";
  const runs: Weekday[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last !== undefined && WEEKDAYS.indexOf(day) === WEEKDAYS.indexOf(last) + 1) run.push(day);
    else runs.push([day]);
  }
  return runs.map((run) => (run.length === 1 ? run[0] : `${run[0]}-${run.at(-1)}`)).join(",");
}
