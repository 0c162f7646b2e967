import type { HealthReport } from "./checks.ts";

/** A health report as `/healthz` serves it: when its checks ran, and whether this answer reuses them. */
export interface ServedHealthReport extends HealthReport {
  /**
   * true when the report was computed before this request came (within the cache's time to
   * live); false when the checks ran while it waited, alone or shared with concurrent callers.
   */
  cached: boolean;
  /** When the checks finished, by the cache's clock (epoch milliseconds). */
  checkedAt: number;
}

export interface HealthCacheOptions {
  /** How long a finished report is served again, in ms. */
  ttlMs: number;
  /** The clock, epoch ms: `Date.now` in the Worker, a controlled one in tests. */
  now: () => number;
}

/**
 * At most one deep health check at a time, and at most one per `ttlMs`: callers arriving while
 * one runs wait for it (single flight) and callers within `ttlMs` of its end get its report.
 * Failing reports are cached too: a stampede on a failing dependency is the worst one. A check
 * that throws is not cached; its waiters get the error, and the next caller runs a new one.
 * No timers: freshness is read off the injected clock on each call.
 */
export class HealthCache {
  readonly #options: HealthCacheOptions;
  #last: { report: HealthReport; checkedAt: number } | undefined;
  #inFlight: Promise<{ report: HealthReport; checkedAt: number }> | undefined;
  /** How many checks this cache has started: what the cache saves is what it did not run. */
  runs = 0;

  constructor(options: HealthCacheOptions) {
    this.#options = options;
  }

  async get(check: () => Promise<HealthReport>): Promise<ServedHealthReport> {
    const last = this.#last;
    if (last && this.#fresh(last.checkedAt)) return { ...last.report, cached: true, checkedAt: last.checkedAt };
    if (!this.#inFlight) {
      const run = this.#run(check);
      this.#inFlight = run;
      const settled = () => {
        if (this.#inFlight === run) this.#inFlight = undefined;
      };
      run.then(settled, settled);
    }
    const { report, checkedAt } = await this.#inFlight;
    return { ...report, cached: false, checkedAt };
  }

  #fresh(checkedAt: number): boolean {
    const age = this.#options.now() - checkedAt;
    return age >= 0 && age < this.#options.ttlMs;
  }

  async #run(check: () => Promise<HealthReport>): Promise<{ report: HealthReport; checkedAt: number }> {
    this.runs++;
    const report = await check();
    const entry = { report, checkedAt: this.#options.now() };
    this.#last = entry;
    return entry;
  }
}
