import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ApiError } from "./support.ts";
import { Shopper } from "./support.ts";
import { type ClaimedCoupon, liveClaim, seedLivestream, seedStoreTemplate } from "./livestream-support.ts";
import { seedStore } from "./store-support.ts";

/** Livestream coupons for shoppers (issue 15): on air only, exact against the pool, stamped with the stores. */
describe("claiming a livestream's store coupons", () => {
  it("refuses a claim before and after the window: 409 not_live with the window, nothing claimed", async () => {
    const template = await seedStoreTemplate();
    const store = await seedStore();
    const now = Date.now();
    const early = await seedLivestream([template.id], [store.id], { startsAt: now + 600_000, endsAt: now + 1_200_000 });
    const late = await seedLivestream([template.id], [store.id], { startsAt: now - 1_200_000, endsAt: now - 600_000 });
    const shopper = await Shopper.create();
    for (const livestream of [early, late]) {
      const response = await liveClaim(shopper, livestream.id, { templateId: template.id });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({
        error: { code: "not_live", startsAt: livestream.startsAt, endsAt: livestream.endsAt },
      });
    }
    expect(await env.COUPON_POOL.getByName(template.id).stats()).toMatchObject({ claimed: 0 });
  });

  it("hands out exactly 50 from a pool of 50 to 300 concurrent live claimers, each stamped with the livestream, its stores and a short code", async () => {
    const template = await seedStoreTemplate({ totalQuantity: 50 });
    const store = await seedStore({ name: "南京路店" });
    const livestream = await seedLivestream([template.id], [store.id]);
    const shoppers = await Promise.all(Array.from({ length: 300 }, () => Shopper.create()));
    const answers = await Promise.all(shoppers.map((shopper) => liveClaim(shopper, livestream.id, { templateId: template.id })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 409)).toHaveLength(250);
    const won = await Promise.all(answers.filter((a) => a.status === 201).map((a) => a.json<{ coupon: ClaimedCoupon }>()));
    for (const { coupon } of won) {
      expect(coupon).toMatchObject({ livestreamId: livestream.id, stores: [{ id: store.id, name: "南京路店" }], status: "available" });
      expect(coupon.shortCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]$/);
    }
    expect(new Set(won.map((w) => w.coupon.shortCode)).size).toBe(50);
    const refused = await Promise.all(answers.filter((a) => a.status === 409).map((a) => a.json<ApiError>()));
    expect(new Set(refused.map((r) => r.error.code))).toEqual(new Set(["coupons_gone"]));
    expect(await env.COUPON_POOL.getByName(template.id).stats()).toMatchObject({ claimed: 50, redeemed: 0 });
    // In the wallet, never offered at checkout: `usable` is for online coupons.
    const { coupons } = await (await shoppers[statuses.indexOf(201)]!.request("/api/me/coupons")).json<{
      coupons: Array<{ usable: boolean; redeem: string }>;
    }>();
    expect(coupons).toMatchObject([{ usable: false, redeem: "in_store" }]);
  });

  it("needs the claim code announced on air (any case), and refuses while paused", async () => {
    const template = await seedStoreTemplate();
    const store = await seedStore();
    const livestream = await seedLivestream([template.id], [store.id], { claimCode: "LIVE88" });
    const shopper = await Shopper.create();
    for (const claimCode of [undefined, "LIVE89"]) {
      const response = await liveClaim(shopper, livestream.id, { templateId: template.id, claimCode });
      expect(response.status).toBe(403);
      expect(((await response.json()) as ApiError).error.code).toBe("wrong_claim_code");
    }
    expect((await liveClaim(shopper, livestream.id, { templateId: template.id, claimCode: " live88 " })).status).toBe(201);
    const paused = await seedLivestream([template.id], [store.id], { paused: true });
    const refused = await liveClaim(await Shopper.create(), paused.id, { templateId: template.id });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ApiError).error.code).toBe("sale_paused");
  });

  it("answers a retried key with its coupon, and refuses a template the livestream does not hand out", async () => {
    const template = await seedStoreTemplate();
    const other = await seedStoreTemplate();
    const store = await seedStore();
    const livestream = await seedLivestream([template.id], [store.id]);
    const shopper = await Shopper.create();
    const key = crypto.randomUUID();
    const first = await (await liveClaim(shopper, livestream.id, { templateId: template.id }, key)).json<{ coupon: ClaimedCoupon }>();
    const again = await liveClaim(shopper, livestream.id, { templateId: template.id }, key);
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ coupon: { id: first.coupon.id }, replayed: true });
    const notHers = await liveClaim(shopper, livestream.id, { templateId: other.id });
    expect(notHers.status).toBe(404);
  });

  it("keeps store coupons out of /api/coupons: not listed, not claimable there", async () => {
    const template = await seedStoreTemplate();
    const shopper = await Shopper.create();
    const { coupons } = await (await shopper.request("/api/coupons")).json<{ coupons: Array<{ templateId: string }> }>();
    expect(coupons.map((c) => c.templateId)).not.toContain(template.id);
    const response = await shopper.post(`/api/coupons/${template.id}/claim`, {}, { "Idempotency-Key": crypto.randomUUID() });
    expect(response.status).toBe(404);
  });

  it("lists livestreams on air and coming, and shows one with its coupons' remaining counts and its stores", async () => {
    const template = await seedStoreTemplate({ totalQuantity: 7 });
    const store = await seedStore({ name: "西湖店" });
    const livestream = await seedLivestream([template.id], [store.id, "no-such-store"]);
    const shopper = await Shopper.create();
    await liveClaim(shopper, livestream.id, { templateId: template.id });
    const list = await (await shopper.request("/api/livestreams")).json<{ livestreams: Array<{ id: string; phase: string }> }>();
    expect(list.livestreams).toContainEqual(expect.objectContaining({ id: livestream.id, phase: "live" }));
    const detail = await (await shopper.request(`/api/livestreams/${livestream.id}`)).json();
    expect(detail).toMatchObject({
      livestream: { id: livestream.id, phase: "live", claimCodeRequired: false, embed: "video" },
      coupons: [{ templateId: template.id, remaining: 6, amountOff: 3_000 }],
      stores: [{ id: store.id, name: "西湖店" }],
    });
    expect((await shopper.request("/api/livestreams/nope")).status).toBe(404);
  });
});
