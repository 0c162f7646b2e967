import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { recordExperimentChange, SAME_VERSION_CONSTRAINT, type ExperimentAuditEntry } from "../../../src/experiments/experiment-audit.ts";
import { ExperimentCatalog } from "../../../src/experiments/experiment-catalog.ts";
import type { ExperimentConfig } from "../../../src/experiments/experiment-config.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { experimentsChanged } from "../api/running-experiments.ts";

/**
 * Saves a version of an experiment (issue 13), audited, with nothing half written:
 *
 * 1. In one Postgres transaction, the audit row goes in first. Its (experiment, version) key
 *    is where two saves from the same version meet, as a sale's meet in its SKU object: the
 *    second waits for the first to commit, then is refused (409 `conflict`) before it has
 *    touched KV. Postgres unreachable: 503, nothing written.
 * 2. Still inside the transaction, KV gets the version (history, then current). A failed
 *    KV write rolls the audit row back: 503, nothing saved.
 * 3. The commit. Should it fail after KV took the version, the version stands unaudited, and
 *    the entry is logged whole to be replayed (as a sale's audit is).
 *
 * This isolate's storefront reads the change at once; others within the running
 * experiments' cache and KV's propagation (about a minute).
 */
export async function saveExperiment(env: Env, entry: ExperimentAuditEntry): Promise<ExperimentConfig> {
  const catalog = new ExperimentCatalog(env.SALES);
  let stored = false;
  try {
    await withDatabase(databaseSettings(env), (db) =>
      db.transaction(async (tx) => {
        await recordExperimentChange(tx, entry);
        await catalog.put(entry.after).catch((error: Error) => {
          throw new AppError(
            "dependency_unavailable",
            `KV did not take the experiment, so nothing was saved: ${redactSecrets(error.message)}`,
          );
        });
        stored = true;
      }),
    );
  } catch (error) {
    if (error instanceof AppError) throw error;
    const failure = describeDatabaseFailure(error);
    if (failure.constraint === SAME_VERSION_CONSTRAINT) {
      const current = await catalog.find(entry.experiment);
      throw new AppError("conflict", `experiment "${entry.experiment}" was saved by someone else meanwhile; read it again`, {
        version: current?.version ?? entry.after.version,
      });
    }
    if (stored) {
      console.error(`experiment audit: commit failed after KV took the version (${failure.summary}); entry: ${JSON.stringify(entry)}`);
    } else {
      console.error(`experiment save: Postgres failed (${failure.summary})`);
      throw new AppError("dependency_unavailable", "the audit log (Postgres) is unreachable, so nothing was saved; try again shortly");
    }
  }
  experimentsChanged();
  return entry.after;
}
