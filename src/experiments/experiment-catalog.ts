import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import { EXPERIMENT_KEY_PREFIX, type ExperimentConfig, experimentConfigSchema, experimentHistoryPrefix } from "./experiment-config.ts";

/**
 * Experiments in Workers KV (issue 13), in the namespace of the marketers' sale
 * configuration (binding SALES) under keys of their own: `experiment:<key>`, and every
 * version at `experiment-history:<key>:<version, 10 digits>` (src/kv/versioned-catalog.ts).
 */
export class ExperimentCatalog {
  private readonly catalog: VersionedCatalog<ExperimentConfig>;

  constructor(kv: KVNamespace) {
    this.catalog = new VersionedCatalog(kv, {
      prefix: EXPERIMENT_KEY_PREFIX,
      historyPrefix: experimentHistoryPrefix,
      schema: experimentConfigSchema,
    });
  }

  /** The experiment under `key`, or null when KV has none (or none that is valid). */
  find(key: string): Promise<ExperimentConfig | null> {
    return this.catalog.find(key);
  }

  /** Every experiment, newest change first. */
  async list(): Promise<ExperimentConfig[]> {
    return (await this.catalog.list()).sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0) || a.key.localeCompare(b.key));
  }

  /** Writes a version: its history entry first, so the current one always has one. */
  put(config: ExperimentConfig): Promise<void> {
    return this.catalog.put(config.key, config);
  }

  /** Kept versions, newest first, at most `limit`. */
  history(key: string, limit: number): Promise<ExperimentConfig[]> {
    return this.catalog.history(key, limit);
  }
}
