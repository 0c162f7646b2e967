/**
 * What the request-level benches (bench:coupons, bench:live) share: answers timed one by one,
 * a bounded number in flight, and their latency percentiles and status counts for the report.
 */

/** One answer: its status, how long it took (ms) and its JSON body. */
export type Timed = { status: number; ms: number; body: unknown };

export type Latency = { p50: number; p95: number; p99: number };

/** Runs `task(0..n-1)` with at most `width` in flight; answers in index order. */
export async function pool<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      for (let i = next++; i < n; i = next++) results[i] = await task(i);
    }),
  );
  return results;
}

/** Nearest-rank percentiles of the answers' times, to 0.1 ms. */
export function latency(answers: readonly Timed[]): Latency {
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 10) / 10;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/** The error code of a refusal (`""` for none). */
export const errorCode = (answer: Timed) => (answer.body as { error?: { code?: string } } | null)?.error?.code ?? "";

/** How many answers had each status (a refusal with its error code: `409 coupons_gone`). */
export function statuses(answers: readonly Timed[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const code = answer.status < 300 ? String(answer.status) : `${answer.status} ${errorCode(answer)}`;
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

/** Status counts as the report's table cell: `201: 500, 409 coupons_gone: 500`. */
export const formatStatuses = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([status, n]) => `${status}: ${n}`)
    .join(", ");
