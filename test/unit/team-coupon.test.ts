import { describe, expect, it } from "vitest";
import { COUPON_ID, COUPON_LIMITS, couponTemplateSchema } from "../../src/coupons/coupon-template.ts";
import { SALE_LIMITS } from "../../src/sales/sale-config.ts";
import { type TeamCampaign, teamCampaignSchema, type TeamCampaignInput } from "../../src/teams/team-campaign.ts";
import { teamCouponTemplate } from "../../src/teams/team-coupon.ts";
import { campaignOfTeamId, memberBadge, TEAM_ID, teamIdFor } from "../../src/teams/team-id.ts";

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 11);

const campaignOf = (overrides: Partial<TeamCampaignInput> = {}): TeamCampaign =>
  teamCampaignSchema.parse({
    id: "double-11-teams",
    title: "组队瓜分 ¥100",
    poolAmount: 10_000,
    split: "equal",
    joinRule: "anyone",
    startsAt: START,
    endsAt: START + 3 * DAY,
    ...overrides,
  });

describe("a team campaign's coupon template (src/teams/team-coupon.ts, issue 14)", () => {
  it("is granted only, amount_off, alone on an order, usable until the last coupon a team could be granted runs out", () => {
    const campaign = campaignOf({ couponMinSpend: 5_000, appliesTo: { skus: ["sku-a", "sku-b"] } });
    const template = teamCouponTemplate(campaign, null);
    expect(template).toMatchObject({
      id: "team-double-11-teams",
      claimable: false,
      type: "amount_off",
      amountOff: 1,
      minSpend: 5_000,
      skus: ["sku-a", "sku-b"],
      validFrom: START,
      // endsAt + a day to complete + 7 days of validity.
      validUntil: START + 3 * DAY + DAY + 7 * DAY,
      perShopperLimit: 1,
      totalQuantity: COUPON_LIMITS.maxQuantity,
      stackable: false,
      version: 1,
    });
    expect(couponTemplateSchema.safeParse(template).success).toBe(true);
  });

  it("stays a valid template at the campaign's bounds: the longest id and title, the last epoch, the most SKUs, the highest threshold", () => {
    const campaign = campaignOf({
      id: `a${"b".repeat(34)}`,
      title: "长".repeat(200),
      endsAt: SALE_LIMITS.maxEpochMs,
      completeWithinSeconds: 7 * 86_400,
      couponValidDays: 365,
      couponMinSpend: SALE_LIMITS.maxOrderTotal,
      appliesTo: { skus: Array.from({ length: 100 }, (_, i) => `sku-${i}`) },
    });
    const template = teamCouponTemplate(campaign, null);
    expect(COUPON_ID.test(template.id)).toBe(true);
    expect(template.validUntil).toBe(SALE_LIMITS.maxEpochMs);
    expect(couponTemplateSchema.safeParse(template).error?.issues ?? []).toEqual([]);
  });

  it("follows the version of the template saved before it (edited through the coupon routes or not)", () => {
    const first = teamCouponTemplate(campaignOf(), null);
    expect(teamCouponTemplate(campaignOf(), { ...first, version: 5 }).version).toBe(6);
  });
});

describe("team ids and member badges (src/teams/team-id.ts)", () => {
  it("derives the same id from the same leader and key, another from another key, and reads the campaign back", async () => {
    const a = await teamIdFor("double-11-teams", "shp_leader", "key-0001");
    expect(a).toMatch(TEAM_ID);
    expect(await teamIdFor("double-11-teams", "shp_leader", "key-0001")).toBe(a);
    expect(await teamIdFor("double-11-teams", "shp_leader", "key-0002")).not.toBe(a);
    expect(campaignOfTeamId(a)).toBe("double-11-teams");
    expect(campaignOfTeamId("tm_x_0123")).toBeNull();
  });

  it("shows a member as 4 hex digits and a hue, never their id", async () => {
    const badge = await memberBadge("shp_someone");
    expect(badge.badge).toMatch(/^[0-9A-F]{4}$/);
    expect(badge.hue).toBeGreaterThanOrEqual(0);
    expect(badge.hue).toBeLessThan(360);
    expect(await memberBadge("shp_someone")).toEqual(badge);
  });
});
