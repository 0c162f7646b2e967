import { addDays, instantOf, isTimeZone, localDateTimeAt } from "../calendar.ts";
import { minutesOf, type QuietHours, type Sequence, stepOffsetMs } from "./sequence.ts";

/** Whose zone a step's quiet hours are read in when the shopper's profile names none (issue 17). */
export const DEFAULT_ZONE = "Asia/Shanghai";

/** The shopper's zone: theirs when it is a zone the runtime knows, else the default. */
export function shopperZone(named: unknown): string {
  return typeof named === "string" && isTimeZone(named) ? named : DEFAULT_ZONE;
}

/**
 * The instant a step due at `at` goes out: `at` itself outside the quiet hours, else the end
 * of the quiet hours it falls in, in `zone`'s wall time. Quiet hours may span midnight
 * (22:00–08:00: 23:00 goes out at 08:00 the next day, 03:00 at 08:00 the same day).
 * Monotone (a later due time never goes out earlier), so steps keep their order.
 */
export function deferPastQuietHours(at: number, quiet: QuietHours | null, zone: string): number {
  if (!quiet) return at;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const local = localDateTimeAt(at, zone);
  const m = local.minutes;
  if (start < end) return m >= start && m < end ? instantOf(local, end, zone) : at;
  if (m >= start) return instantOf(addDays(local, 1), end, zone);
  if (m < end) return instantOf(local, end, zone);
  return at;
}

/** When each step of the sequence goes out for an enrolment at `enrolledAt`, in order. */
export function stepTimes(sequence: Pick<Sequence, "steps" | "quietHours">, enrolledAt: number, zone: string): number[] {
  return sequence.steps.map((step) => deferPastQuietHours(enrolledAt + stepOffsetMs(step), sequence.quietHours, zone));
}
