import { ExperimentCatalog } from "../../../src/experiments/experiment-catalog.ts";
import type { ExperimentConfig } from "../../../src/experiments/experiment-config.ts";

/**
 * The running experiments as this isolate last read them from KV (issue 13). Every page
 * view asks for its assignments, and listing KV each time would cost a list and a read per
 * experiment per view; so the list is kept for a few seconds, and one read serves every
 * request that arrives meanwhile. An admin save in this isolate forgets it at once.
 */
const FRESH_MS = 5_000;

let cached: { at: number; experiments: Promise<ExperimentConfig[]> } | null = null;

export function runningExperiments(env: Env, now: number = Date.now()): Promise<ExperimentConfig[]> {
  if (cached && now - cached.at < FRESH_MS) return cached.experiments;
  const experiments = new ExperimentCatalog(env.SALES).list().then((all) => all.filter((e) => e.status === "running"));
  const entry = { at: now, experiments };
  cached = entry;
  // A failed read is not kept: the next request reads again.
  experiments.catch(() => {
    if (cached === entry) cached = null;
  });
  return experiments;
}

/** A save changed an experiment: read them again on the next request. */
export function experimentsChanged(): void {
  cached = null;
}
