import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { campaignMatches, campaignsToTry, chooseCreative, safeTarget } from "../../src/ads/ad-serving.ts";
import { CLICK_TTL_MS, type ClickRecord, signClick, verifyClick } from "../../src/ads/ad-serving-click.ts";
import { type AdCampaign, adCampaignSchema } from "../../src/ads/campaign.ts";
import { ctrBy, ctrFigures, wilsonInterval } from "../../src/ads/ctr.ts";

const NOW = Date.UTC(2026, 10, 27, 4, 0);
const HOUR = 3_600_000;

function campaign(overrides: Partial<Record<keyof AdCampaign, unknown>> = {}): AdCampaign {
  return adCampaignSchema.parse({
    id: "spring-sale",
    name: "Spring",
    version: 1,
    status: "active",
    startsAt: NOW - HOUR,
    endsAt: NOW + HOUR,
    budget: { impressions: 100 },
    placements: ["home_banner"],
    creatives: [
      { id: "c1", variant: "a", headline: { "zh-CN": "春季大促", en: "Spring sale" }, targetUrl: "/sales/a", imageId: "img00000001" },
      { id: "c2", variant: "b", headline: { "zh-CN": "限时抢购", en: "Flash deal" }, targetUrl: "/sales/b", imageId: "img00000002" },
    ],
    ...overrides,
  });
}

const request = {
  placement: "home_banner",
  shopperId: "shp_aaaaaaaaaaaaaaaaaaaa",
  segment: "champions",
  device: "phone" as const,
  locale: "zh-CN" as const,
  now: NOW,
};

describe("which campaigns may serve (src/ads/ad-serving.ts)", () => {
  it("serves an active campaign on its placement, in its window, to the shoppers it targets", () => {
    expect(campaignMatches(campaign(), request)).toBe(true);
    expect(campaignMatches(campaign({ status: "paused" }), request)).toBe(false);
    expect(campaignMatches(campaign({ status: "draft" }), request)).toBe(false);
    expect(campaignMatches(campaign(), { ...request, placement: "sale_slot" })).toBe(false);
    expect(campaignMatches(campaign({ startsAt: NOW + 1 }), request)).toBe(false);
    expect(campaignMatches(campaign({ endsAt: NOW }), request)).toBe(false);
    expect(campaignMatches(campaign({ startsAt: NOW }), request)).toBe(true);
  });

  it('targets by segment, device and locale; an unscored shopper matches only segments "all"', () => {
    const targeted = campaign({ targeting: { segments: ["champions", "loyal"], devices: ["phone"], locales: ["zh-CN"] } });
    expect(campaignMatches(targeted, request)).toBe(true);
    expect(campaignMatches(targeted, { ...request, segment: "lost" })).toBe(false);
    expect(campaignMatches(targeted, { ...request, segment: null })).toBe(false);
    expect(campaignMatches(campaign(), { ...request, segment: null })).toBe(true);
    expect(campaignMatches(targeted, { ...request, device: "desktop" })).toBe(false);
    expect(campaignMatches(targeted, { ...request, device: "unknown" })).toBe(false);
    expect(campaignMatches(targeted, { ...request, locale: "en" })).toBe(false);
  });

  it("tries the matching campaigns in a steady order per shopper that differs between shoppers", () => {
    const all = ["a1", "b2", "c3", "d4", "e5", "f6"].map((id) => campaign({ id }));
    const first = campaignsToTry(all, request).map((c) => c.id);
    expect(campaignsToTry([...all].reverse(), request).map((c) => c.id)).toEqual(first);
    expect([...first].sort()).toEqual(all.map((c) => c.id));
    const firsts = new Set(Array.from({ length: 40 }, (_, i) => campaignsToTry(all, { ...request, shopperId: `shp_${i}` })[0]!.id));
    expect(firsts.size).toBeGreaterThan(1);
    expect(campaignsToTry([campaign({ status: "paused" })], request)).toEqual([]);
  });
});

describe("which creative a shopper sees", () => {
  it("shows the creative whose letter the experiment assigned, else a stable pick", () => {
    expect(chooseCreative(campaign(), request.shopperId, "b").id).toBe("c2");
    expect(chooseCreative(campaign(), request.shopperId, "a").id).toBe("c1");
    const pick = chooseCreative(campaign(), request.shopperId, null).id;
    expect(chooseCreative(campaign(), request.shopperId, null).id).toBe(pick);
    // A letter no creative has (the experiment has more variants): the stable pick.
    expect(chooseCreative(campaign(), request.shopperId, "d").id).toBe(pick);
  });

  it("spreads shoppers over every creative", () => {
    const seen = new Set(Array.from({ length: 50 }, (_, i) => chooseCreative(campaign(), `shp_${i}`, null).id));
    expect(seen).toEqual(new Set(["c1", "c2"]));
  });
});

describe("click targets and signed click links", () => {
  it("resolves a shop path or an https URL, and nothing else", () => {
    expect(safeTarget("/sales/a?x=1", "https://shop.test")).toBe("https://shop.test/sales/a?x=1");
    expect(safeTarget("https://brand.example/x", "https://shop.test")).toBe("https://brand.example/x");
    for (const bad of ["//evil.example/x", "/\\evil.example", "http://plain.example", "javascript:alert(1)", "evil.example"]) {
      expect(safeTarget(bad, "https://shop.test")).toBeNull();
    }
  });

  const record: ClickRecord = {
    impressionId: "8c1f7a2e-0000-4000-8000-000000000001",
    campaignId: "spring-sale",
    creativeId: "c1",
    placement: "home_banner",
    variant: "a",
    shopperId: "shp_aaaaaaaaaaaaaaaaaaaa",
    servedAt: NOW,
  };

  it("round-trips a record, path-safe, and refuses another key, a changed byte and an expired link", async () => {
    const token = await signClick(record, "secret-1");
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await verifyClick(token, "secret-1", NOW + HOUR)).toEqual(record);
    expect(await verifyClick(token, "secret-2", NOW)).toBeNull();
    expect(await verifyClick(token, "secret-1", NOW + CLICK_TTL_MS + 1)).toBeNull();
    const tampered = await signClick({ ...record, campaignId: "other" }, "secret-1");
    expect(await verifyClick(`${tampered.split(".")[0]}.${token.split(".")[1]}`, "secret-1", NOW)).toBeNull();
    expect(await verifyClick("nonsense", "secret-1", NOW)).toBeNull();
    expect(await verifyClick(".", "secret-1", NOW)).toBeNull();
  });

  it("refuses every single-character change of a token (fast-check)", async () => {
    const token = await signClick(record, "secret-1");
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(..."AZaz09-_."), async (at, ch) => {
        fc.pre(token[at] !== ch);
        const changed = token.slice(0, at) + ch + token.slice(at + 1);
        expect(await verifyClick(changed, "secret-1", NOW)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });
});

describe("click-through rates (src/ads/ctr.ts)", () => {
  it("computes the Wilson interval of a worked example: 47 clicks in 1,000 impressions → 4.7 % [3.55 %, 6.19 %]", () => {
    const { low, high } = wilsonInterval(47, 1_000);
    expect(low).toBeCloseTo(0.0355, 3);
    expect(high).toBeCloseTo(0.0619, 3);
    expect(ctrFigures({ impressions: 1_000, clicks: 47 }).ctr).toBe(0.047);
  });

  it("has no rate without impressions, and an interval above zero at zero clicks", () => {
    expect(ctrFigures({ impressions: 0, clicks: 0 })).toEqual({ impressions: 0, clicks: 0, ctr: null, low: null, high: null });
    const none = ctrFigures({ impressions: 10, clicks: 0 });
    expect(none.ctr).toBe(0);
    expect(none.low).toBe(0);
    expect(none.high).toBeGreaterThan(0.2);
  });

  it("keeps the rate inside its interval, and the interval inside [0, 1] (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (impressions, share) => {
        const clicks = Math.floor(impressions * share);
        const f = ctrFigures({ impressions, clicks });
        expect(f.low!).toBeGreaterThanOrEqual(0);
        expect(f.high!).toBeLessThanOrEqual(1);
        expect(f.low!).toBeLessThanOrEqual(f.ctr! + 1e-12);
        expect(f.high!).toBeGreaterThanOrEqual(f.ctr! - 1e-12);
      }),
    );
  });

  it("groups rows per creative and per placement", () => {
    const rows = [
      { creativeId: "c1", placement: "home_banner", impressions: 100, clicks: 5 },
      { creativeId: "c1", placement: "sale_slot", impressions: 50, clicks: 1 },
      { creativeId: "c2", placement: "home_banner", impressions: 100, clicks: 2 },
    ];
    expect(ctrBy(rows, (r) => r.creativeId).map((g) => [g.key, g.impressions, g.clicks, g.ctr])).toEqual([
      ["c1", 150, 6, 0.04],
      ["c2", 100, 2, 0.02],
    ]);
    expect(ctrBy(rows, (r) => r.placement).map((g) => [g.key, g.impressions, g.clicks])).toEqual([
      ["home_banner", 200, 7],
      ["sale_slot", 50, 1],
    ]);
  });
});
