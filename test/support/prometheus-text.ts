import { getMetricsFromIterator, type PromHistogramData, type PromMetrics } from "prom2javascript";

/**
 * Reads a Prometheus text exposition with a real parser (prom2javascript, MIT), as a scraper
 * would: a line it cannot read, or a histogram whose `+Inf` bucket is not its `_count`, throws.
 */
export function parseExposition(text: string): Promise<PromMetrics> {
  return getMetricsFromIterator(text.split("\n")[Symbol.iterator]());
}

/** A parsed histogram's buckets in order of their bounds (an object lists "1" before "0.1"). */
export function bucketsOf(histogram: PromHistogramData): { le: number; count: number }[] {
  return Object.entries(histogram.buckets)
    .map(([le, count]) => ({ le: le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), count }))
    .sort((a, b) => a.le - b.le);
}
