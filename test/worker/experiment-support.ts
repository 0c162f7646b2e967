import { env } from "cloudflare:workers";
import type { ExperimentConfig, ExperimentConfigInput } from "../../src/experiments/experiment-config.ts";
import type { ExperimentResults } from "../../src/experiments/results.ts";
import { experimentsChanged } from "../../workers/storefront/api/running-experiments.ts";
import { admin } from "./admin-support.ts";
import { withPostgres } from "./postgres-support.ts";

export type { ExperimentConfig, ExperimentResults };

/** A valid new experiment under a fresh key: red against blue Buy buttons, conversion to checkout. Nothing written. */
export function draftExperiment(overrides: Partial<ExperimentConfigInput> = {}) {
  return {
    key: `x-${crypto.randomUUID().slice(0, 18)}`,
    name: "Buy button colour",
    description: "Red (control) against blue",
    surface: "buy_button" as const,
    primaryMetric: "checkout" as const,
    variants: [
      { key: "red", name: "Red", weight: 50 },
      { key: "blue", name: "Blue", weight: 50 },
    ],
    ...overrides,
  };
}

/** Creates an experiment through the admin API; fails the test if refused. */
export async function createExperiment(overrides: Partial<ExperimentConfigInput> = {}): Promise<ExperimentConfig> {
  const response = await admin("/experiments", { body: draftExperiment(overrides) });
  if (response.status !== 201) throw new Error(`create refused: ${response.status} ${await response.text()}`);
  return (await response.json<{ experiment: ExperimentConfig }>()).experiment;
}

/** Starts one; fails the test if refused. */
export async function startExperiment(key: string): Promise<ExperimentConfig> {
  const response = await admin(`/experiments/${key}/start`, { method: "POST" });
  if (response.status !== 200) throw new Error(`start refused: ${response.status} ${await response.text()}`);
  return (await response.json<{ experiment: ExperimentConfig }>()).experiment;
}

/**
 * Creates and starts an experiment on a surface of its own: every other experiment running on
 * the surface (another test's: KV outlives a test) is written stopped into KV first.
 */
export async function runningExperiment(overrides: Partial<ExperimentConfigInput> = {}): Promise<ExperimentConfig> {
  const experiment = await createExperiment(overrides);
  await clearSurface(experiment.surface);
  return startExperiment(experiment.key);
}

/** Runs `work` with a running experiment (runningExperiment), stopped after. */
export async function withRunningExperiment<T>(
  overrides: Partial<ExperimentConfigInput>,
  work: (experiment: ExperimentConfig) => Promise<T>,
): Promise<T> {
  const running = await runningExperiment(overrides);
  try {
    return await work(running);
  } finally {
    await admin(`/experiments/${running.key}/stop`, { method: "POST" });
  }
}

/** Writes every experiment running on `surface` stopped into KV (another test's: KV outlives a test). */
export async function clearSurface(surface: string): Promise<void> {
  const listed = await env.SALES.list({ prefix: "experiment:" });
  for (const { name } of listed.keys) {
    const config = await env.SALES.get<ExperimentConfig>(name, "json");
    if (config?.status === "running" && config.surface === surface) {
      await env.SALES.put(name, JSON.stringify({ ...config, status: "stopped", stoppedAt: Date.now() }));
    }
  }
  experimentsChanged();
}

/** Saves a new version of `experiment` through the admin API with `changes`. */
export function updateExperiment(
  experiment: ExperimentConfig,
  changes: Partial<ExperimentConfigInput>,
  expectedVersion = experiment.version,
) {
  const {
    seed: _seed,
    status: _status,
    startedAt: _started,
    stoppedAt: _stopped,
    version: _version,
    updatedAt: _at,
    updatedBy: _by,
    ...draft
  } = experiment;
  return admin(`/experiments/${experiment.key}`, { method: "PUT", body: { ...draft, ...changes, expectedVersion } });
}

/** The audit rows of an experiment, oldest first. */
export function experimentAuditRows(key: string) {
  return withPostgres(async (pool) => {
    const { rows } = await pool.query<{
      action: string;
      actor: string;
      version: number;
      before: ExperimentConfig | null;
      after: ExperimentConfig;
    }>("select action, actor, version, before, after from experiment_audit_log where experiment = $1 order by id", [key]);
    return rows;
  });
}
