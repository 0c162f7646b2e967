import { describe, expect, it } from "vitest";
import { completeWithin, completionRate, teamTerms, teamWords } from "../../src/teams/team-words.ts";

/** The console's Team red packets view in words (issue 14): src/teams/team-words.ts. */
describe("a team campaign's words in the console (issue 14)", () => {
  it("says the red packet in a line, in both languages", () => {
    const campaign = { teamSize: 4, poolAmount: 10_000, split: "equal" as const };
    expect(teamTerms(campaign, "en")).toBe("4 people share ¥100.00, equal");
    expect(teamTerms(campaign, "zh-CN")).toBe("4人瓜分¥100.00，平均分");
    expect(teamTerms({ ...campaign, teamSize: 3, poolAmount: 10_001, split: "random" }, "en")).toBe("3 people share ¥100.01, random");
    expect(teamTerms({ ...campaign, split: "random" }, "zh-CN")).toBe("4人瓜分¥100.00，拼手气");
  });

  it("says the time to complete in hours and minutes", () => {
    expect(completeWithin(86_400, "en")).toBe("24 h");
    expect(completeWithin(5_400, "en")).toBe("1 h 30 min");
    expect(completeWithin(60, "en")).toBe("1 min");
    expect(completeWithin(7_199, "en")).toBe("2 h"); // to the nearest minute
    expect(completeWithin(90, "en")).toBe("2 min");
    expect(completeWithin(7 * 86_400, "en")).toBe("168 h");
    expect(completeWithin(5_400, "zh-CN")).toBe("1小时30分钟");
    expect(completeWithin(43_200, "zh-CN")).toBe("12小时");
  });

  it("rates completion over the teams that finished: completed ÷ (completed + expired), none before any finished", () => {
    expect(completionRate({ teamsCompleted: 0, teamsExpired: 0 })).toBeNull();
    expect(completionRate({ teamsCompleted: 1, teamsExpired: 0 })).toBe(1);
    expect(completionRate({ teamsCompleted: 1, teamsExpired: 3 })).toBe(0.25);
  });

  it("has every word in both languages", () => {
    expect(Object.keys(teamWords("zh-CN")).sort()).toEqual(Object.keys(teamWords("en")).sort());
    for (const word of Object.values(teamWords("zh-CN"))) expect(word).not.toBe("");
  });
});
