import { recordExperimentChange, SAME_VERSION_CONSTRAINT, type ExperimentAuditEntry } from "../../../src/experiments/experiment-audit.ts";
import { ExperimentCatalog } from "../../../src/experiments/experiment-catalog.ts";
import type { ExperimentConfig } from "../../../src/experiments/experiment-config.ts";
import { experimentsChanged } from "../api/running-experiments.ts";
import { saveVersion } from "./save-version.ts";

/**
 * Saves a version of an experiment (issue 13), audited in its own table and stored in KV
 * with nothing half written (./save-version.ts). This isolate's storefront reads the change
 * at once; others within the running experiments' cache and KV's propagation (about a minute).
 */
export async function saveExperiment(env: Env, entry: ExperimentAuditEntry): Promise<ExperimentConfig> {
  const catalog = new ExperimentCatalog(env.SALES);
  await saveVersion(env, {
    what: `experiment "${entry.experiment}"`,
    audit: (tx) => recordExperimentChange(tx, entry),
    store: () => catalog.put(entry.after),
    sameVersionConstraint: SAME_VERSION_CONSTRAINT,
    currentVersion: async () => (await catalog.find(entry.experiment))?.version,
    version: entry.after.version,
    entry,
  });
  experimentsChanged();
  return entry.after;
}
