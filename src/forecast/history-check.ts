/**
 * How much history a forecast needs (issue 19's "too little history → a clear message"). MSTL
 * separates a seasonal pattern only from at least two whole seasons of it, so a daily series
 * needs 2 × 7 days for the weekly pattern and 2 × 365 days before the yearly one is fitted
 * (below that the forecast is weekly only, and says so); a monthly series needs 2 × 12 months.
 */
export interface SeasonalityPlan {
  /** The periods to fit, shortest first. */
  periods: number[];
  /** Why a longer period was left out, when one was. */
  notes: string[];
}

export type HistoryVerdict = { ok: true; plan: SeasonalityPlan } | { ok: false; problems: string[] };

const PERIOD_NAMES: Record<number, string> = { 7: "weekly", 12: "monthly-in-year", 365: "yearly" };

function unit(granularity: "daily" | "monthly"): string {
  return granularity === "daily" ? "days" : "months";
}

/**
 * Which of `periods` (shortest first) the history supports. The shortest is required: without
 * two seasons of it there is no forecast, and the problem says how much is needed and how much there is.
 */
export function checkHistory(length: number, periods: readonly number[], granularity: "daily" | "monthly" = "daily"): HistoryVerdict {
  const sorted = [...periods].sort((a, b) => a - b);
  const shortest = sorted[0];
  if (shortest === undefined) return { ok: false, problems: ["no seasonal period given"] };
  const words = unit(granularity);
  if (length < 2 * shortest) {
    return {
      ok: false,
      problems: [
        `needs at least 2 × ${shortest} ${words} of history for ${PERIOD_NAMES[shortest] ?? `period-${shortest}`} seasonality; has ${length}`,
      ],
    };
  }
  const kept: number[] = [];
  const notes: string[] = [];
  for (const period of sorted) {
    if (length >= 2 * period) kept.push(period);
    else
      notes.push(
        `${PERIOD_NAMES[period] ?? `period-${period}`} seasonality left out: it needs 2 × ${period} ${words} of history; has ${length}`,
      );
  }
  return { ok: true, plan: { periods: kept, notes } };
}
