import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { demoTiers } from "../../src/membership/demo-tiers.ts";
import { type TierConfig, tierConfigDraftSchema, tierConfigSchema, validateTierConfig } from "../../src/membership/tier-config.ts";
import { tierGrants } from "../../src/membership/tier-recompute.ts";
import { progressToNext, rankOf, tierFor } from "../../src/membership/tiers.ts";

const config: TierConfig = tierConfigSchema.parse(demoTiers());
const YUAN = 100;

describe("member tiers (src/membership/tiers.ts, issue 16)", () => {
  it("reaches a tier by 12-month spend OR by 12-month points, the highest one reached", () => {
    expect(tierFor(config, { spend12m: 0, points12m: 0 })).toBeNull();
    expect(tierFor(config, { spend12m: 999 * YUAN, points12m: 999 })?.id ?? null).toBeNull();
    expect(tierFor(config, { spend12m: 1_000 * YUAN, points12m: 0 })?.id).toBe("silver");
    expect(tierFor(config, { spend12m: 0, points12m: 5_000 })?.id).toBe("gold");
    expect(tierFor(config, { spend12m: 20_000 * YUAN, points12m: 0 })?.id).toBe("diamond");
    expect(tierFor(config, { spend12m: 6_000 * YUAN, points12m: 25_000 })?.id).toBe("diamond");
  });

  it("diamond protects for 365 days", () => {
    expect(config.tiers.find((tier) => tier.id === "diamond")?.benefits.protectionDays).toBe(365);
  });

  it("shows the progress to the next tier by either threshold, and none at the top", () => {
    const progress = progressToNext(config, { spend12m: 3_000 * YUAN, points12m: 4_000 });
    expect(progress).toMatchObject({ tier: { id: "gold" }, spendToGo: 2_000 * YUAN, pointsToGo: 1_000, percent: 80 });
    expect(progressToNext(config, { spend12m: 0, points12m: 0 })).toMatchObject({ tier: { id: "silver" }, percent: 0 });
    expect(progressToNext(config, { spend12m: 30_000 * YUAN, points12m: 0 })).toBeNull();
  });

  it("is monotone: more spend or more points never give a lower tier (property)", () => {
    const standing = fc.record({ spend12m: fc.nat({ max: 5_000_000 }), points12m: fc.nat({ max: 50_000 }) });
    fc.assert(
      fc.property(standing, fc.nat({ max: 5_000_000 }), fc.nat({ max: 50_000 }), (base, moreSpend, morePoints) => {
        const before = rankOf(config, tierFor(config, base)?.id ?? null);
        const after = rankOf(
          config,
          tierFor(config, { spend12m: base.spend12m + moreSpend, points12m: base.points12m + morePoints })?.id ?? null,
        );
        return after >= before;
      }),
    );
  });

  it("is monotone for any valid configuration too (property over generated tier ladders)", () => {
    const ladder = fc
      .uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 6 })
      .map((thresholds) => thresholds.sort((a, b) => a - b));
    fc.assert(
      fc.property(ladder, fc.nat({ max: 2_000_000 }), fc.nat({ max: 2_000_000 }), (thresholds, a, b) => {
        const tiers = validateTierConfig(tierConfigDraftSchema, {
          tiers: thresholds.map((minSpend, i) => ({
            id: `t${i}`,
            name: { "zh-CN": `等级${i}`, en: `Tier ${i}` },
            minSpend,
            minPoints: null,
            benefits: { protectionDays: 0, pointsMultiplierPercent: 100, memberPricePercentOff: 0 },
          })),
        });
        if (!tiers.ok) return false;
        const [low, high] = [Math.min(a, b), Math.max(a, b)];
        return (
          rankOf(tiers.value, tierFor(tiers.value, { spend12m: high, points12m: 0 })?.id ?? null) >=
          rankOf(tiers.value, tierFor(tiers.value, { spend12m: low, points12m: 0 })?.id ?? null)
        );
      }),
    );
  });

  it("lists every problem of a configuration at once: thresholds that do not rise, a tier nobody can reach, a twice-listed id", () => {
    const benefits = { protectionDays: 400, pointsMultiplierPercent: 50, memberPricePercentOff: 0 };
    const result = validateTierConfig(tierConfigDraftSchema, {
      timeZone: "Mars/Olympus",
      tiers: [
        { id: "gold", name: { "zh-CN": "黄金", en: "Gold" }, minSpend: 5_000_00, minPoints: 100, benefits },
        { id: "silver", name: { "zh-CN": "白银", en: "Silver" }, minSpend: 1_000_00, minPoints: null, benefits },
        { id: "gold", name: { "zh-CN": "", en: "Gold" }, minSpend: null, minPoints: null, benefits },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^timeZone: /),
        expect.stringMatching(/^tiers\.0\.benefits\.protectionDays: must be at most 365/),
        expect.stringMatching(/^tiers\.0\.benefits\.pointsMultiplierPercent: must be at least 100/),
        expect.stringMatching(/^tiers\.1\.minSpend: must be above 500000/),
        expect.stringMatching(/^tiers\.2\.id: "gold" is listed twice/),
        expect.stringMatching(/^tiers\.2\.minSpend: set minSpend or minPoints/),
        expect.stringMatching(/^tiers\.2\.name\.zh-CN: must not be empty/),
      ]),
    );
  });

  it("keys a tier's grants by shopper, tier and benefit, so reaching the tier again makes the same keys", () => {
    const diamond = config.tiers.find((tier) => tier.id === "diamond")!;
    const first = tierGrants("shp_1", diamond, 1);
    const again = tierGrants("shp_1", diamond, 2);
    expect(first.map((grant) => grant.idempotencyKey)).toEqual(again.map((grant) => grant.idempotencyKey));
    expect(first.map((grant) => grant.idempotencyKey)).toEqual([
      "tier:shp_1:diamond:coupon-double11-300-50",
      "tier:shp_1:diamond:points",
      "tier:shp_1:diamond:perk-0",
      "tier:shp_1:diamond:perk-1",
    ]);
  });
});
