import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  adCampaignSchemas,
  adImageUrl,
  campaignLiveAt,
  creativeForVariant,
  isAdTarget,
  RENDERED_SIZES,
  targetingMatches,
  validateAdCampaign,
} from "../../src/ads/campaign.ts";

/** An ad campaign as a marketer plans it (issue 18, src/ads/campaign.ts). */
const draft = {
  id: "double11-ads",
  name: "Double 11",
  startsAt: 1_000,
  endsAt: 2_000,
  budget: { impressions: 10_000 },
  placements: ["home_banner"],
  creatives: [
    {
      id: "red",
      variant: "a",
      headline: { "zh-CN": "双11 五折", en: "Double 11: half price" },
      targetUrl: "/sale/phone-x",
      imageId: "abcdef0123",
    },
  ],
};

describe("an ad campaign's configuration", () => {
  it("accepts a well-formed draft with the defaults: draft status, everyone targeted, 3 per 24 hours, no experiment, no off-site channel", () => {
    expect(validateAdCampaign(adCampaignSchemas.draft, draft)).toMatchObject({
      ok: true,
      value: {
        status: "draft",
        targeting: { segments: "all", devices: "all", locales: "all" },
        frequencyCap: { impressions: 3, hours: 24 },
        experiment: null,
        offsite: [],
      },
    });
  });

  it("lists every problem at once: an inverted window, an empty segment list, a cap of 21, two creatives sharing a variant, an open redirect, a 61-character headline", () => {
    const result = validateAdCampaign(adCampaignSchemas.draft, {
      ...draft,
      startsAt: 2_000,
      endsAt: 1_000,
      targeting: { segments: [], devices: ["phone"], locales: "all" },
      frequencyCap: { impressions: 21, hours: 24 },
      creatives: [
        draft.creatives[0],
        { ...draft.creatives[0], id: "blue", targetUrl: "//evil.example.com", headline: { "zh-CN": "x", en: "y".repeat(61) } },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^endsAt: must be after startsAt/),
        expect.stringMatching(/^targeting\.segments: .*empty list targets nobody/),
        "frequencyCap.impressions: must be at most 20",
        "creatives: two creatives share a variant",
        expect.stringMatching(/^creatives\.1\.targetUrl: must be a path on this shop/),
        "creatives.1.headline.en: must be at most 60 characters",
      ]),
    );
  });

  it("refuses an empty window, no placement, no creative, five creatives, an unknown channel, a zero budget", () => {
    const result = validateAdCampaign(adCampaignSchemas.draft, {
      ...draft,
      endsAt: 1_000,
      placements: [],
      offsite: ["tiktok"],
      budget: { impressions: 0 },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toHaveLength(4);
    const five = validateAdCampaign(adCampaignSchemas.draft, {
      ...draft,
      creatives: ["a", "b", "c", "d", "a"].map((variant, i) => ({ ...draft.creatives[0], id: `c${i}`, variant })),
    });
    expect(five.ok).toBe(false);
    expect(validateAdCampaign(adCampaignSchemas.draft, { ...draft, creatives: [] }).ok).toBe(false);
  });

  it("a target is a path on this shop or an https URL, never a protocol-relative or javascript: one", () => {
    expect(["/sale/x", "/", "https://shop.example.com/a?b=1"].map(isAdTarget)).toEqual([true, true, true]);
    expect(["//evil.com", "/\\evil.com", "javascript:alert(1)", "http://plain.example.com", "sale/x", "/a b"].map(isAdTarget)).toEqual(
      Array(6).fill(false),
    );
  });

  it("live only when active and inside [startsAt, endsAt)", () => {
    const campaign = { status: "active" as const, startsAt: 1_000, endsAt: 2_000 };
    expect([999, 1_000, 1_999, 2_000].map((now) => campaignLiveAt(campaign, now))).toEqual([false, true, true, false]);
    expect(campaignLiveAt({ ...campaign, status: "paused" }, 1_500)).toBe(false);
  });

  it("targeting: all matches everyone, a list matches its members, an unscored shopper only all", () => {
    const shopper = { segment: "champions", device: "phone", locale: "zh-CN" };
    expect(targetingMatches({ segments: "all", devices: "all", locales: "all" }, shopper)).toBe(true);
    expect(targetingMatches({ segments: ["champions"], devices: ["phone"], locales: ["zh-CN"] }, shopper)).toBe(true);
    expect(targetingMatches({ segments: ["lost"], devices: "all", locales: "all" }, shopper)).toBe(false);
    expect(targetingMatches({ segments: ["lost"], devices: "all", locales: "all" }, { ...shopper, segment: null })).toBe(false);
    expect(targetingMatches({ segments: "all", devices: ["desktop"], locales: "all" }, shopper)).toBe(false);
  });

  it("the experiment's variant letter picks the creative with that letter", () => {
    const base = { headline: { "zh-CN": "一", en: "One" }, targetUrl: "/", imageId: "abcdef0123" };
    const creatives = [
      { ...base, id: "one", variant: "a" as const },
      { ...base, id: "two", variant: "c" as const },
    ];
    expect(creativeForVariant({ creatives }, "c")?.id).toBe("two");
    expect(creativeForVariant({ creatives }, "b")).toBeNull();
  });

  it("renders each size once, and names a variant's URL by image and size", () => {
    expect(new Set(RENDERED_SIZES.map((s) => `${s.width}x${s.height}`)).size).toBe(RENDERED_SIZES.length);
    expect(RENDERED_SIZES).toHaveLength(12);
    expect(adImageUrl("abcdef0123", { width: 720, height: 300 })).toBe("/ads/img/abcdef0123-720x300.webp");
  });

  it("property: any window is accepted exactly when it is not empty", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 0, max: 4_000_000_000_000 }), (startsAt, endsAt) => {
        expect(validateAdCampaign(adCampaignSchemas.draft, { ...draft, startsAt, endsAt }).ok).toBe(endsAt > startsAt);
      }),
    );
  });
});
