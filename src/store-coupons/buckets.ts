/**
 * Time buckets of the store-coupon figures (issue 15): redemptions per hour or per day, the
 * hours and days of a time zone (Asia/Shanghai unless asked otherwise: the shops and their
 * marketers are in China, and a "day" of redemptions is a store's trading day, not a UTC one).
 * Pure: Postgres groups the rows by the same rule (`date_trunc(bucket, at, zone)`), and
 * `fillSeries` lays its counts on every bucket of the window, empty ones as 0.
 */

import { instantOf, localDateTimeAt } from "../calendar.ts";

export const BUCKETS = ["hour", "day"] as const;
export type Bucket = (typeof BUCKETS)[number];

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** A series longer than this is refused: a year of days, or about six weeks of hours. */
export const MAX_BUCKETS = 1_000;

const HOUR_MS = 3_600_000;

/** One bucket of a series: its start (epoch ms) and the redemptions in it. */
export interface SeriesPoint {
  at: number;
  redeemed: number;
}

/** The start of the hour or day (in the zone) that `at` falls in. */
export function bucketStart(at: number, bucket: Bucket, timeZone: string = DEFAULT_TIME_ZONE): number {
  const local = localDateTimeAt(at, timeZone);
  return instantOf(local, bucket === "hour" ? local.hour * 60 : 0, timeZone);
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucket(start: number, bucket: Bucket, timeZone: string = DEFAULT_TIME_ZONE): number {
  // A day is 23 to 25 hours where clocks change: step well into the next one, then back to its start.
  return bucket === "hour" ? start + HOUR_MS : bucketStart(start + 36 * HOUR_MS, "day", timeZone);
}

/** The starts of every bucket that overlaps [from, to), in order. */
export function bucketStarts(from: number, to: number, bucket: Bucket, timeZone: string = DEFAULT_TIME_ZONE): number[] {
  const starts: number[] = [];
  for (let start = bucketStart(from, bucket, timeZone); start < to; start = nextBucket(start, bucket, timeZone)) {
    starts.push(start);
    if (starts.length > MAX_BUCKETS) break;
  }
  return starts;
}

/** How many buckets [from, to) spans: a window of more than MAX_BUCKETS is refused before anything is read. */
export function bucketCount(from: number, to: number, bucket: Bucket, timeZone: string = DEFAULT_TIME_ZONE): number {
  return bucketStarts(from, to, bucket, timeZone).length;
}

/**
 * Every bucket of [from, to) with its count: `counts` are Postgres's groups (a bucket's start
 * and its redemptions); a bucket with none is 0. A group that starts between two buckets' starts
 * (it should not) goes to the bucket it falls in, never lost; one outside the window is dropped.
 */
export function fillSeries(
  counts: ReadonlyArray<{ at: number; redeemed: number }>,
  from: number,
  to: number,
  bucket: Bucket,
  timeZone: string = DEFAULT_TIME_ZONE,
): SeriesPoint[] {
  const points = bucketStarts(from, to, bucket, timeZone).map((at) => ({ at, redeemed: 0 }));
  for (const count of counts) {
    if (count.at >= to) continue;
    let index = -1;
    for (let i = points.length - 1; i >= 0; i -= 1) {
      if (points[i]!.at <= count.at) {
        index = i;
        break;
      }
    }
    if (index >= 0) points[index]!.redeemed += count.redeemed;
  }
  return points;
}
