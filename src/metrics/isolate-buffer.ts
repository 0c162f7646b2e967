import { MetricSet, type MetricsSnapshot } from "./metric-set.ts";

/** An isolate sends what it recorded at most this often: never a write per request. */
export const FLUSH_INTERVAL_MS = 5_000;

/**
 * What one Worker isolate has recorded since it last sent a batch (issue 13): requests add to an
 * in-memory MetricSet, which costs a few map updates, and a batch is taken at most once per
 * FLUSH_INTERVAL_MS from the first thing recorded after the last batch. Taking a batch swaps
 * the set for an empty one at once, so requests finishing meanwhile count in the next batch,
 * never in two. Pure, on an injected clock.
 */
export class MetricsBuffer {
  private current = new MetricSet();
  private openedAt: number | null = null;
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(now: () => number, intervalMs = FLUSH_INTERVAL_MS) {
    this.now = now;
    this.intervalMs = intervalMs;
  }

  /** The set to record into. */
  get metrics(): MetricSet {
    this.openedAt ??= this.now();
    return this.current;
  }

  /** The batch, if one is due (something recorded, and the interval since the first of it has passed); the buffer starts afresh. */
  takeIfDue(): MetricsSnapshot | null {
    if (this.openedAt === null || this.now() - this.openedAt < this.intervalMs) return null;
    return this.take();
  }

  /** The batch now, due or not (null when nothing was recorded); the buffer starts afresh. */
  take(): MetricsSnapshot | null {
    const taken = this.current;
    this.current = new MetricSet();
    this.openedAt = null;
    return taken.isEmpty() ? null : taken.snapshot();
  }
}
