import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../../src/error-codes.ts";
import { seededRandom, twiceTheMeanSplit } from "../../src/teams/split.ts";
import { type TeamCampaign, teamCampaignSchema, type TeamCampaignInput } from "../../src/teams/team-campaign.ts";
import { expireTeam, joinTeam, type JoinTeam, startTeam, type Team, teamAlarmAt } from "../../src/teams/team.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 11);

/** Issue 14's campaign: ¥100 among the leader and 3 friends, 24 hours to fill. */
const campaignOf = (overrides: Partial<TeamCampaignInput> = {}): TeamCampaign =>
  teamCampaignSchema.parse({
    id: "double-11-teams",
    title: "组队瓜分 ¥100",
    poolAmount: 10_000,
    split: "equal",
    joinRule: "anyone",
    startsAt: START,
    endsAt: START + 3 * DAY,
    appliesTo: { skus: ["demo-earbuds"] },
    ...overrides,
  });

/** A started team, or the test fails. */
function started(campaign: TeamCampaign = campaignOf(), now = START + HOUR, leaderId = "leader"): Team {
  const result = startTeam({ id: "team-1", campaign, leaderId, now });
  if (!result.ok) throw new Error(`could not start: ${result.error.code}`);
  return deepFreeze(result.value);
}

/** The team a join made, or the test fails. */
function joined(team: Team, join: JoinTeam): { team: Team; completed: boolean } {
  const result = joinTeam(team, join);
  if (!result.ok) throw new Error(`${join.shopperId} could not join: ${result.error.code}`);
  return { ...result.value, team: deepFreeze(result.value.team) };
}

const codeOf = (result: { ok: true } | { ok: false; error: { code: ErrorCode } }) => (result.ok ? "ok" : result.error.code);

/** Frozen all the way down: a function that changes the team it was given throws (ES modules are strict). */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe("a team-up red packet team (src/teams/team.ts, issue 14)", () => {
  it("completes at its last seat: ¥100.01 split equally, the odd fen to the leader, one coupon each in member order", () => {
    let team = started(campaignOf({ poolAmount: 10_001 }));
    expect(team).toMatchObject({
      status: "open",
      size: 4,
      members: [{ shopperId: "leader", joinedAt: START + HOUR }],
      shares: null,
      grants: [],
    });
    expect(team.expiresAt).toBe(START + HOUR + DAY);
    for (const [i, friend] of ["amy", "bo"].entries()) {
      const step = joined(team, { shopperId: friend, now: START + 2 * HOUR + i });
      expect(step.completed).toBe(false);
      expect(step.team.grants).toEqual([]);
      team = step.team;
    }
    const last = joined(team, { shopperId: "cai", now: START + 5 * HOUR });
    expect(last.completed).toBe(true);
    expect(last.team).toMatchObject({ status: "completed", completedAt: START + 5 * HOUR, shares: [2501, 2500, 2500, 2500] });
    expect(last.team.grants).toEqual(
      [
        ["leader", 2501],
        ["amy", 2500],
        ["bo", 2500],
        ["cai", 2500],
      ].map(([shopperId, amount]) => ({
        grantKey: `team-1:${shopperId}`,
        teamId: "team-1",
        campaignId: "double-11-teams",
        shopperId,
        amount,
        validFrom: START + 5 * HOUR,
        validUntil: START + 5 * HOUR + 7 * DAY,
        minSpend: 0,
        skus: ["demo-earbuds"],
      })),
    );
    expect(teamAlarmAt(team)).toBe(team.expiresAt);
    expect(teamAlarmAt(last.team)).toBeNull();
  });

  it("follows issue 14's worked example: 20 joins for 3 open seats, exactly 3 succeed and the rest are refused team_full", () => {
    let team = started();
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const result = joinTeam(team, { shopperId: `friend-${i}`, now: START + 2 * HOUR + i });
      answers.push(codeOf(result));
      if (result.ok) team = deepFreeze(result.value.team);
    }
    expect(answers).toEqual([...Array(3).fill("ok"), ...Array(17).fill("team_full")]);
    expect(team.members.map((m) => m.shopperId)).toEqual(["leader", "friend-0", "friend-1", "friend-2"]);
    expect(team.grants).toHaveLength(4);
  });

  it("refuses the leader, a member twice, a shopper in another team, and in a new-shoppers campaign anyone not known to be new", () => {
    const team = joined(started(campaignOf({ joinRule: "new_shoppers" })), {
      shopperId: "amy",
      now: START + 2 * HOUR,
      isNewShopper: true,
    }).team;
    const now = START + 3 * HOUR;
    expect(codeOf(joinTeam(team, { shopperId: "leader", now, isNewShopper: true }))).toBe("self_join");
    expect(codeOf(joinTeam(team, { shopperId: "amy", now, isNewShopper: true }))).toBe("already_joined");
    expect(codeOf(joinTeam(team, { shopperId: "bo", now, isNewShopper: true, alreadyInAnotherTeam: true }))).toBe("already_in_team");
    expect(codeOf(joinTeam(team, { shopperId: "bo", now, isNewShopper: false }))).toBe("not_new_shopper");
    expect(codeOf(joinTeam(team, { shopperId: "bo", now }))).toBe("not_new_shopper");
    expect(codeOf(joinTeam(team, { shopperId: "bo", now, isNewShopper: true }))).toBe("ok");
    // An "anyone" campaign does not ask.
    expect(codeOf(joinTeam(started(), { shopperId: "bo", now, isNewShopper: false }))).toBe("ok");
  });

  it("expires at exactly expiresAt: a join a millisecond before takes a seat, at it is refused; an expired team never grants", () => {
    const team = started();
    expect(codeOf(joinTeam(team, { shopperId: "amy", now: team.expiresAt - 1 }))).toBe("ok");
    const late = joinTeam(team, { shopperId: "amy", now: team.expiresAt });
    expect(late).toEqual({
      ok: false,
      error: { code: "team_expired", message: expect.any(String), details: { teamId: "team-1", expiresAt: team.expiresAt } },
    });
    expect(expireTeam(team, team.expiresAt - 1)).toEqual({ team, expired: false });
    const { team: expired, expired: changed } = expireTeam(team, team.expiresAt);
    expect(changed).toBe(true);
    expect(expired).toEqual({ ...team, status: "expired" });
    expect(teamAlarmAt(expired)).toBeNull();
    // Expired is final: no join, not even before expiresAt on a clock that went back, and no second expiry.
    expect(codeOf(joinTeam(expired, { shopperId: "amy", now: team.createdAt }))).toBe("team_expired");
    expect(expireTeam(expired, team.expiresAt + DAY)).toEqual({ team: expired, expired: false });
  });

  it("leaves a completed team as it is when its alarm fires late", () => {
    let team = started(campaignOf({ teamSize: 2 }));
    team = joined(team, { shopperId: "amy", now: START + 2 * HOUR }).team;
    expect(team.status).toBe("completed");
    expect(expireTeam(team, team.expiresAt + DAY)).toEqual({ team, expired: false });
    expect(codeOf(joinTeam(team, { shopperId: "bo", now: team.expiresAt + DAY }))).toBe("team_full");
  });

  it("starts teams only inside the campaign's window, one per shopper, and lets a team started in time complete after it", () => {
    const campaign = campaignOf();
    const start = (now: number, alreadyInAnotherTeam = false) =>
      startTeam({ id: "t", campaign, leaderId: "leader", now, alreadyInAnotherTeam });
    expect(start(campaign.startsAt - 1)).toMatchObject({
      ok: false,
      error: { code: "not_started", details: { startsAt: campaign.startsAt } },
    });
    expect(codeOf(start(campaign.startsAt))).toBe("ok");
    expect(codeOf(start(campaign.endsAt - 1))).toBe("ok");
    expect(start(campaign.endsAt)).toMatchObject({ ok: false, error: { code: "ended", details: { endedAt: campaign.endsAt } } });
    expect(codeOf(start(campaign.startsAt, true))).toBe("already_in_team");
    let team = started(campaign, campaign.endsAt - 1);
    for (const friend of ["amy", "bo", "cai"]) team = joined(team, { shopperId: friend, now: campaign.endsAt + HOUR }).team;
    expect(team.status).toBe("completed");
  });

  it("splits at random with the random it is given, and keeps the terms it started with", () => {
    const campaign = campaignOf({ split: "random", couponValidDays: 3, couponMinSpend: 5_000 });
    let team = started(campaign);
    for (const friend of ["amy", "bo"]) team = joined(team, { shopperId: friend, now: START + 2 * HOUR }).team;
    const last = joined(team, { shopperId: "cai", now: START + 2 * HOUR, random: seededRandom(7) }).team;
    expect(last.shares).toEqual(twiceTheMeanSplit(10_000, 4, seededRandom(7)));
    expect(last.grants.map((g) => g.amount)).toEqual(last.shares);
    expect(last.grants.every((g) => g.minSpend === 5_000 && g.validUntil === START + 2 * HOUR + 3 * DAY)).toBe(true);
  });

  it("uses shares decided at the start, and refuses shares that are not a split of the pool", () => {
    const campaign = campaignOf({ split: "random" });
    const team = startTeam({ id: "t", campaign, leaderId: "leader", now: START, shares: [1, 2, 3, 9994] });
    expect(team.ok && team.value.shares).toEqual([1, 2, 3, 9994]);
    let t = deepFreeze((team as { ok: true; value: Team }).value);
    for (const friend of ["amy", "bo", "cai"]) t = joined(t, { shopperId: friend, now: START + 1 }).team;
    expect(t.grants.map((g) => g.amount)).toEqual([1, 2, 3, 9994]);
    for (const shares of [
      [2500, 2500, 2500],
      [0, 2500, 2500, 5000],
      [2500, 2500, 2500, 2499],
      [2500.5, 2499.5, 2500, 2500],
    ]) {
      expect(() => startTeam({ id: "t", campaign, leaderId: "leader", now: START, shares })).toThrow(RangeError);
    }
  });
});

/**
 * Model-based (STYLE.md, 16): random sequences of joins (by the leader, members, strangers,
 * new or not, in another team or not) and expiries, with time moving on, over random
 * campaigns. The model says what each step must answer; the invariants hold after every step.
 */
interface Model {
  now: number;
  members: string[];
  status: Team["status"];
  /** The grants as they were when the team completed: they must never change after. */
  grants: Team["grants"] | null;
}
interface Real {
  team: Team;
  campaign: TeamCampaign;
}

/** Every answer and final status the runs reached: the test checks that it tried them all. */
const reached = new Set<string>();

const SHOPPERS = ["leader", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11"] as const;

function checkInvariants(m: Model, r: Real): void {
  const { team, campaign } = r;
  expect(team.members.map((member) => member.shopperId)).toEqual(m.members);
  expect(team.members.length).toBeLessThanOrEqual(team.size);
  expect(new Set(m.members).size).toBe(m.members.length);
  expect(team.status).toBe(m.status);
  if (team.status === "completed") {
    expect(team.members).toHaveLength(team.size);
    expect(team.grants.map((g) => g.shopperId)).toEqual(m.members);
    expect(new Set(team.grants.map((g) => g.grantKey)).size).toBe(team.size);
    expect(team.grants.reduce((sum, g) => sum + g.amount, 0)).toBe(campaign.poolAmount);
    expect(team.grants.every((g) => Number.isSafeInteger(g.amount) && g.amount >= 1)).toBe(true);
    expect(team.grants).toEqual(m.grants);
    expect(teamAlarmAt(team)).toBeNull();
  } else {
    expect(team.grants).toEqual([]);
    expect(team.shares).toBeNull();
    expect(teamAlarmAt(team)).toBe(team.status === "open" ? team.expiresAt : null);
  }
}

class JoinCommand implements fc.Command<Model, Real> {
  readonly shopper: string;
  readonly isNewShopper: boolean;
  readonly alreadyInAnotherTeam: boolean;
  readonly dt: number;
  readonly seed: number;
  constructor(shopper: string, isNewShopper: boolean, alreadyInAnotherTeam: boolean, dt: number, seed: number) {
    this.shopper = shopper;
    this.isNewShopper = isNewShopper;
    this.alreadyInAnotherTeam = alreadyInAnotherTeam;
    this.dt = dt;
    this.seed = seed;
  }
  check = () => true;
  /** What the model says the join must answer: the refusals in their documented order. */
  expected(m: Model, r: Real): ErrorCode | "ok" {
    if (this.shopper === "leader") return "self_join";
    if (m.members.includes(this.shopper)) return "already_joined";
    if (m.status === "expired" || (m.status === "open" && m.now >= r.team.expiresAt)) return "team_expired";
    if (m.status === "completed") return "team_full";
    if (this.alreadyInAnotherTeam) return "already_in_team";
    if (r.campaign.joinRule === "new_shoppers" && !this.isNewShopper) return "not_new_shopper";
    return "ok";
  }
  run(m: Model, r: Real): void {
    m.now += this.dt;
    const before = r.team;
    const snapshot = structuredClone(before);
    const want = this.expected(m, r);
    const result = joinTeam(before, {
      shopperId: this.shopper,
      now: m.now,
      isNewShopper: this.isNewShopper,
      alreadyInAnotherTeam: this.alreadyInAnotherTeam,
      random: seededRandom(this.seed),
    });
    expect(codeOf(result)).toBe(want);
    reached.add(want);
    // The team given is never changed (it is frozen, and still equals its copy).
    expect(before).toEqual(snapshot);
    if (result.ok) {
      m.members.push(this.shopper);
      const completed = m.members.length === r.team.size;
      expect(result.value.completed).toBe(completed);
      if (completed) {
        m.status = "completed";
        m.grants = result.value.team.grants;
      }
      r.team = deepFreeze(result.value.team);
    }
    checkInvariants(m, r);
  }
  toString = () => `join(${this.shopper}, new=${this.isNewShopper}, other=${this.alreadyInAnotherTeam}, +${this.dt})`;
}

class ExpireCommand implements fc.Command<Model, Real> {
  readonly dt: number;
  constructor(dt: number) {
    this.dt = dt;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    m.now += this.dt;
    const before = r.team;
    const snapshot = structuredClone(before);
    const due = m.status === "open" && m.now >= before.expiresAt;
    const { team, expired } = expireTeam(before, m.now);
    expect(expired).toBe(due);
    expect(before).toEqual(snapshot);
    if (due) m.status = "expired";
    else expect(team).toBe(before);
    r.team = deepFreeze(team);
    checkInvariants(m, r);
  }
  toString = () => `expire(+${this.dt})`;
}

/** Moves time to just before, at or just after the team's expiry (never backwards): where an off-by-one would hide. */
class ToExpiryCommand implements fc.Command<Model, Real> {
  readonly offset: number;
  constructor(offset: number) {
    this.offset = offset;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    m.now = Math.max(m.now, r.team.expiresAt + this.offset);
  }
  toString = () => `toExpiry(${this.offset})`;
}

const campaignArb = fc
  .record({
    teamSize: fc.integer({ min: 2, max: 10 }),
    extra: fc.integer({ min: 0, max: 100_000 }),
    split: fc.constantFrom("equal" as const, "random" as const),
    joinRule: fc.constantFrom("anyone" as const, "new_shoppers" as const),
    completeWithinSeconds: fc.integer({ min: 60, max: 3_600 }),
  })
  .map(({ extra, ...rest }) => campaignOf({ ...rest, poolAmount: rest.teamSize + extra }));

/** Time moves on by nothing, a little, or past a whole team's time. */
const dtArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 0, max: 2 * HOUR }));

const commands = [
  fc
    .tuple(
      fc.constantFrom(...SHOPPERS),
      fc.boolean(),
      fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      dtArb,
      fc.integer(),
    )
    .map(([shopper, isNew, other, dt, seed]) => new JoinCommand(shopper, isNew, other, dt, seed)),
  dtArb.map((dt) => new ExpireCommand(dt)),
  fc.constantFrom(-1, 0, 1).map((offset) => new ToExpiryCommand(offset)),
];

describe("a team, model-based (issue 14)", () => {
  it("keeps every invariant after every step of random join and expiry sequences: seats, one grant each only at completion, the pool exactly, nothing changed by a refusal", () => {
    fc.assert(
      fc.property(campaignArb, fc.commands(commands, { maxCommands: 40 }), (campaign, cmds) => {
        const team = started(campaign, START);
        const model: Model = { now: START, members: ["leader"], status: "open", grants: null };
        const real = { team, campaign };
        fc.modelRun(() => ({ model, real }), cmds);
        reached.add(real.team.status);
      }),
      { numRuns: 1_000 },
    );
    const answers = ["ok", "self_join", "already_joined", "team_expired", "team_full", "already_in_team", "not_new_shopper"];
    expect([...reached].sort()).toEqual([...answers, "open", "completed", "expired"].sort());
  });
});
