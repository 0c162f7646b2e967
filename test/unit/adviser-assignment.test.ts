import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignmentStamp, nextAdviser, pickAdviser, reassign, type RosterEntry } from "../../src/advisers/round-robin.ts";

/**
 * The advisers' round robin (issue 17, src/advisers/round-robin.ts): properties over random
 * rosters, and a model-based run of joins, shifts, first messages and departures.
 */

const adviser = (id: string, overrides: Partial<RosterEntry> = {}): RosterEntry => ({
  id,
  onShift: true,
  removedAt: null,
  lastAssignedAt: null,
  createdAt: 0,
  ...overrides,
});

/** A roster of 1–6 advisers with arbitrary histories. */
const rosterArb = fc
  .array(
    fc.record({
      onShift: fc.boolean(),
      removed: fc.boolean(),
      lastAssignedAt: fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: null }),
      createdAt: fc.integer({ min: 0, max: 1_000 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((rows) =>
    rows.map((row, i) =>
      adviser(`adv_${i}`, {
        onShift: row.onShift,
        removedAt: row.removed ? 1 : null,
        lastAssignedAt: row.lastAssignedAt,
        createdAt: row.createdAt,
      }),
    ),
  );

/** Picks for `n` new shoppers in a row, at one instant (the worst case for ties). */
function picks(roster: RosterEntry[], n: number, now = 5_000): string[] {
  const chosen: string[] = [];
  let current = roster;
  for (let i = 0; i < n; i += 1) {
    const pick = pickAdviser(current, now);
    if (!pick) break;
    chosen.push(pick.adviserId);
    current = pick.roster;
  }
  return chosen;
}

describe("round robin", () => {
  it("the issue's case: 20 new shoppers over 3 fresh advisers on shift are 7/7/6, in joining order", () => {
    const roster = [adviser("a", { createdAt: 1 }), adviser("b", { createdAt: 2 }), adviser("c", { createdAt: 3 })];
    const chosen = picks(roster, 20);
    expect(chosen.slice(0, 6)).toEqual(["a", "b", "c", "a", "b", "c"]);
    expect(["a", "b", "c"].map((id) => chosen.filter((c) => c === id).length)).toEqual([7, 7, 6]);
  });

  it("any k new shoppers in a row go to k different advisers, k being those on shift, whatever the history", () => {
    fc.assert(
      fc.property(rosterArb, fc.integer({ min: 1, max: 4 }), (roster, rounds) => {
        const onShift = roster.filter((a) => a.onShift && a.removedAt === null);
        fc.pre(onShift.length > 0);
        const chosen = picks(roster, onShift.length * rounds);
        for (let i = 0; i + onShift.length <= chosen.length; i += 1) {
          expect(new Set(chosen.slice(i, i + onShift.length)).size).toBe(onShift.length);
        }
        // Nobody off shift or removed is chosen while someone is on shift.
        for (const id of chosen) expect(onShift.map((a) => a.id)).toContain(id);
      }),
    );
  });

  it("nobody on shift: the present roster still takes shoppers; nobody present: no adviser", () => {
    fc.assert(
      fc.property(rosterArb, (roster) => {
        const offShift = roster.map((a) => ({ ...a, onShift: false }));
        const present = offShift.filter((a) => a.removedAt === null);
        const next = nextAdviser(offShift);
        if (present.length === 0) expect(next).toBeNull();
        else expect(present.map((a) => a.id)).toContain(next!.id);
      }),
    );
  });

  it("stamps strictly after every stamp on the roster, never before now", () => {
    fc.assert(
      fc.property(rosterArb, fc.integer({ min: 0, max: 2_000 }), (roster, now) => {
        const stamp = assignmentStamp(roster, now);
        expect(stamp).toBeGreaterThanOrEqual(now);
        for (const a of roster) if (a.lastAssignedAt !== null) expect(stamp).toBeGreaterThan(a.lastAssignedAt);
      }),
    );
  });

  it("a leaving adviser's shoppers all move to those who stay, spread within one of each other", () => {
    fc.assert(
      fc.property(rosterArb, fc.nat({ max: 30 }), (roster, n) => {
        const leaving = roster[0]!.id;
        const shoppers = Array.from({ length: n }, (_, i) => `shp_${i}`);
        const stays = roster.filter((a) => a.id !== leaving && a.removedAt === null);
        const { moves, roster: after } = reassign(roster, leaving, shoppers, 5_000);
        expect(after.find((a) => a.id === leaving)!.removedAt).not.toBeNull();
        if (stays.length === 0) {
          expect(moves.size).toBe(0);
          return;
        }
        expect(moves.size).toBe(n);
        expect([...moves.values()]).not.toContain(leaving);
        const pool = stays.some((a) => a.onShift) ? stays.filter((a) => a.onShift) : stays;
        const counts = pool.map((a) => [...moves.values()].filter((id) => id === a.id).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

/** The model: who serves whom, changed only by a first message or a departure. */
interface Model {
  roster: RosterEntry[];
  served: Map<string, string>;
  /** Shoppers whose adviser left when nobody stayed: they keep them until their next message. */
  orphaned: Set<string>;
  now: number;
}

type Command = fc.Command<Model, Model>;

/** Runs a step on the model as production would, checking the invariants after it. */
function check(model: Model): void {
  const present = new Set(model.roster.filter((a) => a.removedAt === null).map((a) => a.id));
  // Every shopper is served by someone on the roster, unless their adviser left an empty roster.
  for (const [shopper, adviserId] of model.served) expect(present.has(adviserId) || model.orphaned.has(shopper)).toBe(true);
}

class Join implements Command {
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
  check = (m: Readonly<Model>) => !m.roster.some((a) => a.id === this.id);
  run(m: Model): void {
    m.now += 1;
    m.roster.push(adviser(this.id, { createdAt: m.now, onShift: false }));
    check(m);
  }
  toString = () => `join(${this.id})`;
}

class Shift implements Command {
  readonly index: number;
  readonly onShift: boolean;
  constructor(index: number, onShift: boolean) {
    this.index = index;
    this.onShift = onShift;
  }
  check = (m: Readonly<Model>) => m.roster.length > 0;
  run(m: Model): void {
    const target = m.roster[this.index % m.roster.length]!;
    if (target.removedAt === null) target.onShift = this.onShift;
    check(m);
  }
  toString = () => `shift(${this.index}, ${this.onShift})`;
}

class FirstMessage implements Command {
  readonly shopper: string;
  constructor(shopper: string) {
    this.shopper = shopper;
  }
  check = () => true;
  run(m: Model): void {
    m.now += 1;
    const before = m.served.get(this.shopper);
    const stillThere = before !== undefined && m.roster.some((a) => a.id === before && a.removedAt === null);
    if (stillThere) {
      // Stable: a shopper who has an adviser keeps them.
      check(m);
      return;
    }
    const pick = pickAdviser(m.roster, m.now);
    if (!pick) {
      expect(m.roster.every((a) => a.removedAt !== null)).toBe(true);
      return;
    }
    const onShift = m.roster.filter((a) => a.onShift && a.removedAt === null);
    if (onShift.length > 0) expect(onShift.map((a) => a.id)).toContain(pick.adviserId);
    m.roster = pick.roster;
    m.served.set(this.shopper, pick.adviserId);
    m.orphaned.delete(this.shopper);
    check(m);
  }
  toString = () => `message(${this.shopper})`;
}

class Leave implements Command {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
  check = (m: Readonly<Model>) => m.roster.some((a) => a.removedAt === null);
  run(m: Model): void {
    m.now += 1;
    const present = m.roster.filter((a) => a.removedAt === null);
    const leaving = present[this.index % present.length]!.id;
    const theirs = [...m.served].filter(([, id]) => id === leaving).map(([shopper]) => shopper);
    const untouched = new Map([...m.served].filter(([, id]) => id !== leaving));
    const { moves, roster } = reassign(m.roster, leaving, theirs, m.now);
    m.roster = roster;
    for (const [shopper, to] of moves) m.served.set(shopper, to);
    for (const shopper of theirs) if (!moves.has(shopper)) m.orphaned.add(shopper);
    // Only the leaver's shoppers move.
    for (const [shopper, id] of untouched) expect(m.served.get(shopper)).toBe(id);
    check(m);
  }
  toString = () => `leave(${this.index})`;
}

describe("roster model", () => {
  it("keeps every shopper with one present adviser through joins, shifts, first messages and departures", () => {
    const commands = [
      fc.constantFrom("a", "b", "c", "d", "e").map((id) => new Join(id)),
      fc.tuple(fc.nat(10), fc.boolean()).map(([i, on]) => new Shift(i, on)),
      fc.integer({ min: 0, max: 15 }).map((i) => new FirstMessage(`shp_${i}`)),
      fc.nat(10).map((i) => new Leave(i)),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const model: Model = { roster: [], served: new Map(), orphaned: new Set(), now: 0 };
        fc.modelRun(() => ({ model, real: model }), cmds);
      }),
    );
  });
});
