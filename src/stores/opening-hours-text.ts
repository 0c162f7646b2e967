import type { Validated } from "../sales/sale-config.ts";
import { type OpeningHours, openingHoursSchema, WEEKDAYS, type Weekday } from "./store.ts";

export { formatOpeningHours } from "./opening-hours-format.ts";

/**
 * Opening hours as one line of text (issue 15): the CSV import's `opening_hours` column and the
 * console's field. `mon-fri 09:00-21:00; sat,sun 10:00-22:00`: groups separated by `;`, each
 * naming days (a day, a range like `mon-fri` or `fri-mon` across the weekend, a list, or
 * `daily`) and then one or more intervals (`10:00-14:00, 17:00-22:00`). A day not named is
 * closed; an empty text is a week closed. A day named in two groups is a mistake, not a merge:
 * the text is a marketer's and a typo must not quietly add hours.
 */

const DAY_SET = /^[a-z,\- ]+$/;

/** Parses the text form, listing every problem. */
export function parseOpeningHours(text: string): Validated<OpeningHours> {
  const problems: string[] = [];
  const hours: Partial<Record<Weekday, string[]>> = {};
  const groups = text
    .split(";")
    .map((group) => group.trim())
    .filter((group) => group !== "");
  for (const group of groups) {
    const digit = group.search(/\d/);
    if (digit <= 0) {
      problems.push(`"${group}": name the days, then the hours, e.g. "mon-fri 09:00-21:00"`);
      continue;
    }
    const dayText = group.slice(0, digit).trim().toLowerCase();
    const days = daysOf(dayText);
    if (days === null) {
      problems.push(`"${dayText}": days are mon tue wed thu fri sat sun, a range like mon-fri, a list like sat,sun, or daily`);
      continue;
    }
    const intervals = group
      .slice(digit)
      .split(/[,\s]+/)
      .filter((interval) => interval !== "");
    // Checked once per group, worded as the text has it ("mon-fri 21:00-09:00: must open before
    // it closes"), not once for each of its days.
    const checked = openingHoursSchema.shape.mon.safeParse(intervals);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const index = issue.path[0];
        problems.push(`${typeof index === "number" ? `${dayText} ${intervals[index]}` : dayText}: ${issue.message}`);
      }
    }
    for (const day of days) {
      if (hours[day]) problems.push(`${day}: named twice`);
      else hours[day] = intervals;
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: openingHoursSchema.parse(hours) };
}

/** The days a day expression names, in week order, or null when it is not one. */
function daysOf(text: string): Weekday[] | null {
  if (!DAY_SET.test(text)) return null;
  if (text === "daily") return [...WEEKDAYS];
  const days: Weekday[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const [from, to, ...rest] = part.split("-").map((p) => p.trim());
    const start = WEEKDAYS.indexOf(from as Weekday);
    if (start < 0 || rest.length > 0) return null;
    if (to === undefined) {
      days.push(WEEKDAYS[start] as Weekday);
      continue;
    }
    const end = WEEKDAYS.indexOf(to as Weekday);
    if (end < 0) return null;
    // fri-mon runs across the weekend.
    for (let i = start; ; i = (i + 1) % 7) {
      days.push(WEEKDAYS[i] as Weekday);
      if (i === end) break;
    }
  }
  return days;
}
