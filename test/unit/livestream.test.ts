import { describe, expect, it } from "vitest";
import { couponTemplateSchema } from "../../src/coupons/coupon-template.ts";
import { demoLivestreams, demoStoreCoupons } from "../../src/livestreams/demo-livestreams.ts";
import { claimCodeMatches, liveAt, livestreamDraftSchema, livestreamSchema, validateLivestream } from "../../src/livestreams/livestream.ts";
import { DEMO_STORES } from "../../src/stores/demo-stores.ts";

/** Livestreams as a marketer configures them (issue 15, src/livestreams/livestream.ts). */
const draft = {
  id: "double11-live",
  title: "Double 11",
  streamUrl: "https://stream.example.com/live.m3u8",
  embed: "video",
  startsAt: 1_000,
  endsAt: 2_000,
  couponTemplates: ["store-30"],
  stores: ["sh-nanjing-road"],
};

describe("a livestream's configuration", () => {
  it("accepts a well-formed draft, with no claim code and not paused by default", () => {
    expect(validateLivestream(livestreamDraftSchema, draft)).toMatchObject({
      ok: true,
      value: { claimCode: "", paused: false, description: "" },
    });
  });

  it("lists every problem at once: an empty window, a plain-http URL, an unknown embed, a template or store listed twice, a bad claim code", () => {
    const result = validateLivestream(livestreamDraftSchema, {
      ...draft,
      streamUrl: "http://stream.example.com/live.m3u8",
      embed: "flash",
      endsAt: 1_000,
      couponTemplates: ["store-30", "store-30"],
      stores: ["sh-a", "sh-a"],
      claimCode: "no!",
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    for (const path of ["streamUrl", "embed", "endsAt", "couponTemplates", "stores", "claimCode"]) {
      expect(
        problems.some((p) => p.startsWith(`${path}:`)),
        `${path} in ${problems.join("; ")}`,
      ).toBe(true);
    }
  });

  it("is upcoming before startsAt, live until endsAt (exclusive), ended from then", () => {
    expect(liveAt(draft, 999)).toBe("upcoming");
    expect(liveAt(draft, 1_000)).toBe("live");
    expect(liveAt(draft, 1_999)).toBe("live");
    expect(liveAt(draft, 2_000)).toBe("ended");
  });

  it("matches the claim code in any case, and asks none when it has none", () => {
    expect(claimCodeMatches({ claimCode: "LIVE88" }, " live88 ")).toBe(true);
    expect(claimCodeMatches({ claimCode: "LIVE88" }, "LIVE89")).toBe(false);
    expect(claimCodeMatches({ claimCode: "LIVE88" }, undefined)).toBe(false);
    expect(claimCodeMatches({ claimCode: "" }, undefined)).toBe(true);
  });

  it("seeds a valid demo: a store coupon and a livestream handing it out for the demo stores", () => {
    const now = Date.UTC(2026, 10, 11);
    const [template] = demoStoreCoupons(now).map((t) => couponTemplateSchema.parse(t));
    const [livestream] = demoLivestreams(now).map((l) => livestreamSchema.parse(l));
    expect(template?.redeem).toBe("in_store");
    expect(livestream).toMatchObject({ couponTemplates: [template?.id], stores: ["sh-jingan", "hz-hubin"] });
    // Stores npm start seeds too, so the demo's coupons are redeemable somewhere.
    for (const store of livestream?.stores ?? []) expect(DEMO_STORES.map((s) => s.id)).toContain(store);
  });
});
