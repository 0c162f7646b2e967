import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TeamCampaignInput, TEAM_LIMITS, validateTeamCampaign } from "../../src/teams/team-campaign.ts";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 11);

/** Issue 14's campaign: ¥100 among the leader and 3 friends, 24 hours to fill, new shoppers only. */
const campaign = (overrides: Partial<TeamCampaignInput> = {}): TeamCampaignInput => ({
  id: "double-11-teams",
  title: "组队瓜分 ¥100",
  poolAmount: 10_000,
  split: "random",
  joinRule: "new_shoppers",
  startsAt: START,
  endsAt: START + 72 * HOUR,
  ...overrides,
});

const problems = (input: unknown) => {
  const result = validateTeamCampaign(input);
  return result.ok ? [] : result.problems;
};

describe("team campaign configuration (src/teams/team-campaign.ts, issue 14)", () => {
  it("accepts issue 14's campaign and fills in the defaults: 4 members, 24 hours, coupons for 7 days on any order", () => {
    const result = validateTeamCampaign(campaign());
    expect(result).toEqual({
      ok: true,
      value: {
        ...campaign(),
        teamSize: 4,
        completeWithinSeconds: 86_400,
        couponValidDays: 7,
        couponMinSpend: 0,
        appliesTo: { skus: [] },
      },
    });
  });

  it("accepts every setting within bounds", () => {
    const input = fc.record({
      teamSize: fc.integer({ min: 2, max: 10 }),
      extra: fc.integer({ min: 0, max: TEAM_LIMITS.maxPoolAmount - 10 }),
      split: fc.constantFrom("equal" as const, "random" as const),
      joinRule: fc.constantFrom("anyone" as const, "new_shoppers" as const),
      completeWithinSeconds: fc.integer({ min: 60, max: 7 * 86_400 }),
      couponValidDays: fc.integer({ min: 1, max: 365 }),
      couponMinSpend: fc.integer({ min: 0, max: 1_000_000 }),
      skus: fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}$/), { maxLength: 100 }),
    });
    fc.assert(
      fc.property(input, ({ teamSize, extra, skus, ...rest }) => {
        const result = validateTeamCampaign(campaign({ ...rest, teamSize, poolAmount: teamSize + extra, appliesTo: { skus } }));
        expect(result.ok ? [] : result.problems).toEqual([]);
      }),
    );
  });

  it("lists every problem at once, each at its field", () => {
    expect(
      problems({
        id: "Bad Id",
        title: "",
        teamSize: 11,
        poolAmount: 10.5,
        split: "lucky",
        completeWithinSeconds: 30,
        joinRule: "friends",
        startsAt: START,
        endsAt: START,
        couponValidDays: 0,
        couponMinSpend: -1,
        appliesTo: { skus: ["earbuds", "Earbuds!", "earbuds"] },
      }),
    ).toEqual([
      "id: lowercase letters, digits and dashes, 2–35",
      "title: must not be empty",
      "teamSize: must be at most 10",
      "poolAmount: must be whole fen (integer minor units)",
      "split: one of equal, random",
      "completeWithinSeconds: must be at least 60 (a minute)",
      "joinRule: one of anyone, new_shoppers",
      "couponValidDays: must be at least 1",
      "couponMinSpend: must not be negative",
      "appliesTo.skus.1: lowercase letters, digits and dashes, 2–63",
      "endsAt: must be after startsAt",
      'appliesTo.skus.2: "earbuds" is listed twice',
    ]);
  });

  it("needs at least 1 fen a member: a pool of 3 fen cannot be split among 4", () => {
    expect(problems(campaign({ poolAmount: 3 }))).toEqual(["poolAmount: must be at least 1 fen a member: 4 fen for a team of 4"]);
    expect(problems(campaign({ poolAmount: 9, teamSize: 10 }))).toEqual([
      "poolAmount: must be at least 1 fen a member: 10 fen for a team of 10",
    ]);
    expect(problems(campaign({ poolAmount: 4 }))).toEqual([]);
    expect(problems(campaign({ poolAmount: 2, teamSize: 2 }))).toEqual([]);
  });

  it("refuses what is missing, unknown, or past its bounds", () => {
    expect(problems({})).toEqual([
      "id: Invalid input: expected string, received undefined",
      "title: Invalid input: expected string, received undefined",
      "poolAmount: Invalid input: expected number, received undefined",
      "split: one of equal, random",
      "joinRule: one of anyone, new_shoppers",
      "startsAt: Invalid input: expected number, received undefined",
      "endsAt: Invalid input: expected number, received undefined",
    ]);
    expect(problems(campaign({ teamSize: 1 }))).toEqual(["teamSize: must be at least 2 (the leader and one friend)"]);
    expect(problems(campaign({ poolAmount: 10_000_001 }))).toEqual(["poolAmount: must be at most 10000000 fen (¥100000)"]);
    expect(problems(campaign({ poolAmount: 0 }))).toEqual(["poolAmount: must be at least 1 fen"]);
    expect(problems(campaign({ completeWithinSeconds: 7 * 86_400 + 1 }))).toEqual([
      "completeWithinSeconds: must be at most 604800 (7 days)",
    ]);
    expect(problems(campaign({ couponValidDays: 366 }))).toEqual(["couponValidDays: must be at most 365"]);
    expect(problems(campaign({ appliesTo: { skus: Array.from({ length: 101 }, (_, i) => `sku-${i}`) } }))).toEqual([
      "appliesTo.skus: at most 100 SKUs",
    ]);
    expect(problems(campaign({ startsAt: START, endsAt: START - 1 }))).toEqual(["endsAt: must be after startsAt"]);
    expect(problems({ ...campaign(), leader: "me" })).toEqual(['body: Unrecognized key: "leader"']);
    expect(problems(null)).toEqual(["body: Invalid input: expected object, received null"]);
  });
});
