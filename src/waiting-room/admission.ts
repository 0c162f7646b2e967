/**
 * When a waiting room lets each shopper through (issue 12), on slots of `1000 / admitPerSecond`
 * ms counted from the sale's opening: slot s admits at `startsAt + floor(s * 1000 / admitPerSecond)`.
 *
 * Each arrival takes the slot after the last one given out, or, when that one has already passed,
 * the first slot not yet past at its arrival ("virtual scheduling", as GCRA spaces packets). So:
 * - everyone who arrives before the opening, or faster than the rate, waits in the order they
 *   came, and at place n of an opening rush (no lull) is admitted at
 *   `startsAt + floor((n - 1) * 1000 / admitPerSecond)`;
 * - a shopper who arrives while nobody is waiting passes at once;
 * - the rate holds at every moment, not only on average since the opening: after a lull, a burst
 *   is spaced out again, where numbering places from the opening alone would let a burst of
 *   everything the lull left unused through at once.
 *
 * Pure and on numbers only: the Lua script that assigns slots in Redis (./queue.ts) computes the
 * same `nextSlot`, in one atomic step per arrival.
 */

/** The first slot not yet past `sinceOpeningMs` after the opening (0 before it): arrivals now may take no earlier one. */
export function firstOpenSlot(sinceOpeningMs: number, admitPerSecond: number): number {
  return sinceOpeningMs > 0 ? Math.floor((sinceOpeningMs * admitPerSecond) / 1000) : 0;
}

/** The slot of the next arrival, after `lastSlot` (null: the first) and no earlier than what is due at its arrival. */
export function nextSlot(lastSlot: number | null, sinceOpeningMs: number, admitPerSecond: number): number {
  return Math.max(lastSlot === null ? 0 : lastSlot + 1, firstOpenSlot(sinceOpeningMs, admitPerSecond));
}

/** When `slot` is admitted: epoch ms, server time. */
export function admissionTime(startsAt: number, slot: number, admitPerSecond: number): number {
  return startsAt + Math.floor((slot * 1000) / admitPerSecond);
}

/** Whole seconds until `at` from `now`, rounded up; 0 when it has come. The page's estimate and Retry-After. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}
