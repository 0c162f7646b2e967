import { fail, type Result, succeed } from "../errors.ts";
import { isTimeZone } from "../calendar.ts";
import { type Bucket, bucketCount, DEFAULT_TIME_ZONE, MAX_BUCKETS } from "./buckets.ts";
import type { StatsWindow } from "./report.ts";

/** Without `from`: this long before `to`. */
export const DEFAULT_SPAN_MS = 7 * 24 * 3_600_000;
/** Without `bucket`: hours for a window of up to this long, days beyond. */
export const HOURLY_UP_TO_MS = 3 * 24 * 3_600_000;

/** What a stats request may say about its window. */
export interface WindowQuery {
  from?: number;
  to?: number;
  bucket?: Bucket;
  timeZone?: string;
}

/**
 * The window a request asks for, with its defaults: until now, the 7 days before, hourly for
 * up to 3 days and daily beyond, in Shanghai's hours. Refused (`invalid_request`, with each
 * problem): an unknown time zone, `from` not before `to`, or more than MAX_BUCKETS buckets.
 */
export function statsWindow(query: WindowQuery, now: number): Result<StatsWindow> {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_SPAN_MS;
  const timeZone = query.timeZone ?? DEFAULT_TIME_ZONE;
  const bucket = query.bucket ?? (to - from <= HOURLY_UP_TO_MS ? "hour" : "day");
  const problems: string[] = [];
  if (!isTimeZone(timeZone)) problems.push(`timeZone: ${JSON.stringify(timeZone)} is not an IANA time zone, e.g. Asia/Shanghai`);
  if (from >= to) problems.push("from: must be before to");
  else if (problems.length === 0 && bucketCount(from, to, bucket, timeZone) > MAX_BUCKETS) {
    problems.push(`bucket: the window holds more than ${MAX_BUCKETS} ${bucket}s; ask for a shorter window or bucket=day`);
  }
  if (problems.length > 0) return fail("invalid_request", `invalid window: ${problems.join("; ")}`, { problems });
  return succeed({ from, to, bucket, timeZone });
}
