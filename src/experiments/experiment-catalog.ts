import {
  EXPERIMENT_KEY_PREFIX,
  type ExperimentConfig,
  experimentConfigSchema,
  experimentHistoryKey,
  experimentHistoryPrefix,
  experimentKey,
} from "./experiment-config.ts";

/**
 * Experiments in Workers KV (issue 13), in the namespace of the marketers' sale
 * configuration (binding SALES) under keys of their own: `experiment:<key>`, and every
 * version at `experiment-history:<key>:<version, 10 digits>`. Values are validated on the way
 * out: KV is written by people and tools too, and a malformed entry is skipped, never run.
 */
export class ExperimentCatalog {
  private readonly kv: KVNamespace;

  constructor(kv: KVNamespace) {
    this.kv = kv;
  }

  /** The experiment under `key`, or null when KV has none (or none that is valid). */
  async find(key: string): Promise<ExperimentConfig | null> {
    return parse(await this.kv.get(experimentKey(key), "json"));
  }

  /** Every experiment, newest change first. */
  async list(): Promise<ExperimentConfig[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix: EXPERIMENT_KEY_PREFIX, cursor });
      names.push(...page.keys.map((k) => k.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const values = await Promise.all(names.map((name) => this.kv.get(name, "json")));
    return values
      .map(parse)
      .filter((config): config is ExperimentConfig => config !== null)
      .sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0) || a.key.localeCompare(b.key));
  }

  /** Writes a version: its history entry first, so the current one always has one. */
  async put(config: ExperimentConfig): Promise<void> {
    const value = JSON.stringify(config);
    await this.kv.put(experimentHistoryKey(config.key, config.version), value);
    await this.kv.put(experimentKey(config.key), value);
  }

  /** Kept versions, newest first, at most `limit`. */
  async history(key: string, limit: number): Promise<ExperimentConfig[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix: experimentHistoryPrefix(key), cursor });
      names.push(...page.keys.map((k) => k.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const newest = names.slice(-limit).reverse();
    const values = await Promise.all(newest.map((name) => this.kv.get(name, "json")));
    return values.map(parse).filter((config): config is ExperimentConfig => config !== null);
  }
}

function parse(raw: unknown): ExperimentConfig | null {
  if (raw === null) return null;
  const parsed = experimentConfigSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
