import { fail, succeed, type Result } from "../errors.ts";
import { type ExperimentConfig, type ExperimentDraft, runningChangeProblems } from "./experiment-config.ts";

/**
 * An experiment's life (issue 13): created as a draft, started once (running: shoppers are
 * assigned and exposed), stopped once (no one new is enrolled, everyone sees the control, and
 * results stop counting at `stoppedAt`). Each change is a new version, made here from the
 * version it was read at; none touches storage. Pure, on the clock and actor given.
 */

export type ExperimentAction = "create" | "update" | "start" | "stop";

/** Who and when, stamped on every version. */
export interface Stamp {
  now: number;
  actor: string;
}

/** A new experiment: a draft, version 1, seeded by its key (GrowthBook's default seed). */
export function createExperiment(draft: ExperimentDraft, { now, actor }: Stamp): ExperimentConfig {
  return { ...draft, seed: draft.key, status: "draft", startedAt: null, stoppedAt: null, version: 1, updatedAt: now, updatedBy: actor };
}

/**
 * A full edit from `expectedVersion`: another save since is a conflict; a running
 * experiment keeps its surface, metric and variants (runningChangeProblems); a stopped one
 * is final: results are read against the configuration it ran with.
 */
export function updateExperiment(
  current: ExperimentConfig,
  draft: ExperimentDraft,
  expectedVersion: number,
  stamp: Stamp,
): Result<ExperimentConfig> {
  if (expectedVersion !== current.version) {
    return fail("conflict", `the experiment was saved since version ${expectedVersion}: it is at version ${current.version}`, {
      version: current.version,
    });
  }
  if (current.status === "stopped") return fail("conflict", `experiment "${current.key}" is stopped and can no longer change`);
  if (current.status === "running") {
    const problems = runningChangeProblems(current, draft);
    if (problems.length) return fail("invalid_request", `invalid experiment: ${problems.join("; ")}`, { problems });
  }
  return succeed(next(current, { ...draft, seed: current.seed }, stamp));
}

/**
 * Starts a draft. One running experiment per surface: two would fight over one button, and
 * each would count shoppers whose page the other one drew.
 */
export function startExperiment(current: ExperimentConfig, running: readonly ExperimentConfig[], stamp: Stamp): Result<ExperimentConfig> {
  if (current.status === "running") return fail("conflict", `experiment "${current.key}" is running already`);
  if (current.status === "stopped") return fail("conflict", `experiment "${current.key}" was stopped; start a new one`);
  const rival = running.find((other) => other.key !== current.key && other.status === "running" && other.surface === current.surface);
  if (rival) {
    return fail("conflict", `experiment "${rival.key}" is running on the ${current.surface} surface; stop it first`, {
      problems: [`surface: "${rival.key}" is running on ${current.surface}`],
    });
  }
  return succeed(next(current, { status: "running", startedAt: stamp.now }, stamp));
}

/** Stops a running experiment (a draft is not stopped: it never ran). */
export function stopExperiment(current: ExperimentConfig, stamp: Stamp): Result<ExperimentConfig> {
  if (current.status !== "running") return fail("conflict", `experiment "${current.key}" is not running (it is ${current.status})`);
  return succeed(next(current, { status: "stopped", stoppedAt: stamp.now }, stamp));
}

function next(current: ExperimentConfig, changes: Partial<ExperimentConfig>, { now, actor }: Stamp): ExperimentConfig {
  return { ...current, ...changes, version: current.version + 1, updatedAt: now, updatedBy: actor };
}
