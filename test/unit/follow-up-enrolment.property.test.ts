import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextWake, type Progress, runDueSteps, START, type StepOutcome } from "../../src/sequences/enrolment.ts";

/**
 * Model-based test of an enrolment's life (issue 17), as the FollowUp object runs it: random
 * runs of time passing, alarms, alarms that crash after the step's write but before the
 * object saved its progress (the runtime retries them), exits the object hears of and exits
 * only Postgres knows, and failures of the store. The "store" stands in for Postgres: the send
 * rows by key (inserted first, so a key found is a step already sent) and the enrolment's
 * status. The model says which steps must have gone out; each is checked after every command.
 */

const DAY = 86_400_000;

/** Postgres, as the object's step transaction sees it. */
class Store {
  sends = new Map<number, number>();
  status: "active" | "exited" = "active";
  failing = false;
  /** How many times a key was asked to be written (retries included). */
  attempts = 0;

  send(step: number, at: number): StepOutcome {
    this.attempts++;
    if (this.failing) return { outcome: "failed" };
    if (this.sends.has(step)) return { outcome: "already_sent" };
    if (this.status !== "active") return { outcome: "ended", reason: "purchase" };
    this.sends.set(step, at);
    return { outcome: "sent" };
  }
}

/** The object: its saved progress (what survives a crash) and its clock. */
class Real {
  saved: Progress = START;
  now = 0;
  readonly store = new Store();
  readonly times: number[];
  constructor(times: number[]) {
    this.times = times;
  }

  async alarm(crashAfterFirstWrite: boolean): Promise<void> {
    let wrote = false;
    await runDueSteps(
      this.saved,
      this.times,
      () => this.now,
      async (step) => {
        if (crashAfterFirstWrite && wrote) throw new Crash();
        const answer = this.store.send(step, this.now);
        wrote = true;
        return answer;
      },
      (progress) => {
        // A crash between the write and the save loses the save.
        if (!crashAfterFirstWrite) this.saved = progress;
      },
    ).catch((error: unknown) => {
      if (!(error instanceof Crash)) throw error;
    });
  }
}

class Crash extends Error {}

interface Model {
  now: number;
  /** When the exit happened, if it did: nothing goes out after it. */
  exitedAt: number | null;
  times: number[];
  /** How many steps must have gone out: every step due at an alarm that ran (store up) before any exit. */
  sent: number;
}

type Cmd = fc.AsyncCommand<Model, Real>;

class Advance implements Cmd {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
  check = () => true;
  async run(model: Model, real: Real) {
    model.now += this.ms;
    real.now += this.ms;
  }
  toString = () => `advance(${this.ms})`;
}

class Alarm implements Cmd {
  readonly crash: boolean;
  constructor(crash: boolean) {
    this.crash = crash;
  }
  check = () => true;
  async run(model: Model, real: Real) {
    await real.alarm(this.crash);
    if (this.crash) await real.alarm(false); // the runtime retries the alarm
    if (!real.store.failing && model.exitedAt === null) model.sent = model.times.filter((at) => at <= model.now).length;
    const sent = [...real.store.sends.keys()].sort((a, b) => a - b);
    // Each step at most once, in order, never one not yet due, never one due after the exit.
    expect(sent).toEqual([...sent.keys()]);
    for (const step of sent) expect(real.store.sends.get(step)!).toBeGreaterThanOrEqual(model.times[step]!);
    if (!real.store.failing) expect(sent).toHaveLength(model.sent);
    else expect(sent.length).toBeLessThanOrEqual(model.times.filter((at) => at <= model.now).length);
    if (real.saved.status === "completed") expect(sent).toHaveLength(model.times.length);
    if (real.saved.status === "active") expect(nextWake(real.saved, model.times)).toBe(model.times[real.saved.nextStep]);
  }
  toString = () => `alarm(${this.crash ? "crash" : "ok"})`;
}

class Exit implements Cmd {
  check = (model: Readonly<Model>) => model.exitedAt === null;
  async run(model: Model, real: Real) {
    // A purchase: Postgres ends the enrolment; the object may or may not hear of it before its next alarm.
    real.store.status = "exited";
    model.exitedAt = model.now;
  }
  toString = () => "exit";
}

class StoreDown implements Cmd {
  readonly down: boolean;
  constructor(down: boolean) {
    this.down = down;
  }
  check = () => true;
  async run(_model: Model, real: Real) {
    real.store.failing = this.down;
  }
  toString = () => (this.down ? "store down" : "store up");
}

describe("an enrolment's steps (model-based)", () => {
  it("sends each step once, in order, when due, never after an exit, whatever crashes and retries", async () => {
    const offsets = fc
      .uniqueArray(fc.integer({ min: 0, max: 10 * 24 }), { minLength: 1, maxLength: 6 })
      .map((hours) => hours.sort((a, b) => a - b).map((h) => h * 3_600_000));
    const commands = [
      fc.integer({ min: 0, max: 3 * DAY }).map((ms) => new Advance(ms)),
      fc.boolean().map((crash) => new Alarm(crash)),
      fc.constant(new Exit()),
      fc.boolean().map((down) => new StoreDown(down)),
    ];
    await fc.assert(
      fc.asyncProperty(offsets, fc.commands(commands, { maxCommands: 40 }), async (times, cmds) => {
        const model: Model = { now: 0, exitedAt: null, times, sent: 0 };
        const real = new Real(times);
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        // Finally: the store back, time past the last step, one more alarm: all or, after an exit, what went before it.
        real.store.failing = false;
        await new Advance(11 * DAY).run(model, real);
        await new Alarm(false).run(model, real);
        expect(real.saved.status).toBe(
          model.exitedAt === null ? "completed" : real.store.sends.size === times.length ? "completed" : "exited",
        );
      }),
      { numRuns: 300 },
    );
  });
});
