/**
 * An enrolment's progress through its steps (issue 17), pure: what the FollowUp Durable Object
 * decides on, and what the model-based test drives. Steps go out in order, each once; an exit
 * stops everything not yet sent; the last step sent completes it.
 */
export type EnrolmentStatus = "active" | "completed" | "exited";

export interface Progress {
  status: EnrolmentStatus;
  /** The step to send next (0-based); equals the number of steps once completed. */
  nextStep: number;
  exitReason: string | null;
}

export const START: Progress = { status: "active", nextStep: 0, exitReason: null };

/** The step due at `now`, if any: the next one, when active and its time has come. */
export function dueStep(progress: Progress, times: readonly number[], now: number): number | null {
  if (progress.status !== "active") return null;
  const at = times[progress.nextStep];
  return at !== undefined && at <= now ? progress.nextStep : null;
}

/**
 * The progress once `step` is sent (or found sent by an earlier try). A step other than the
 * next one changes nothing: a late answer for a step already counted is not counted twice.
 */
export function stepSent(progress: Progress, step: number, stepCount: number): Progress {
  if (progress.status !== "active" || step !== progress.nextStep) return progress;
  const nextStep = step + 1;
  return { status: nextStep >= stepCount ? "completed" : "active", nextStep, exitReason: null };
}

/** The enrolment ended early (`purchase`, `segment_left`, …); an ended one stays as it ended. */
export function exited(progress: Progress, reason: string): Progress {
  return progress.status === "active" ? { ...progress, status: "exited", exitReason: reason } : progress;
}

/** When the object should wake next: the next step's time while active, else never. */
export function nextWake(progress: Progress, times: readonly number[]): number | null {
  return progress.status === "active" ? (times[progress.nextStep] ?? null) : null;
}

/** What sending one step came to: sent now, found sent by an earlier try, the enrolment ended meanwhile, or to be tried again. */
export type StepOutcome = { outcome: "sent" } | { outcome: "already_sent" } | { outcome: "ended"; reason: string } | { outcome: "failed" };

/**
 * Sends every step due at `now()`, in order, each through `send` (which must be keyed by the
 * step, so that a step found already sent counts without being sent again), handing each new
 * progress to `save` as it is reached. Stops at the first failure (tried again later) or exit.
 */
export async function runDueSteps(
  start: Progress,
  times: readonly number[],
  now: () => number,
  send: (step: number) => Promise<StepOutcome>,
  save: (progress: Progress) => void,
): Promise<{ progress: Progress; failed: boolean }> {
  let progress = start;
  for (let step = dueStep(progress, times, now()); step !== null; step = dueStep(progress, times, now())) {
    const answer = await send(step);
    if (answer.outcome === "failed") return { progress, failed: true };
    progress = answer.outcome === "ended" ? exited(progress, answer.reason) : stepSent(progress, step, times.length);
    save(progress);
  }
  return { progress, failed: false };
}
