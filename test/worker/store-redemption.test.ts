import { exports, env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkSymbol } from "../../src/coupons/short-code.ts";
import { type ApiError, seedSale } from "./support.ts";
import { claimedThrough, seedLivestream, seedStoreTemplate } from "./livestream-support.ts";
import { seedStaffToken, seedStore } from "./store-support.ts";

/**
 * Redemption at the till (issue 15): exactly once, also when tills race; only in the coupon's
 * stores, only with the store's own token, only while open when the store says so; a forged or
 * mistyped code is refused before anything changes.
 */
function till(token: string, storeId: string) {
  return {
    lookup: (code: string) =>
      exports.default.fetch(`https://shop.test/api/stores/${storeId}/coupons/${encodeURIComponent(code)}`, {
        headers: { Authorization: token },
      }),
    redeem: (code: string, key: string = crypto.randomUUID()) =>
      exports.default.fetch(`https://shop.test/api/stores/${storeId}/redemptions`, {
        method: "POST",
        headers: { Authorization: token, "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ code }),
      }),
  };
}

/** A livestream for stores A and B (C is elsewhere), a coupon claimed through it, and a till token per store. */
async function scene(storeOverrides: Parameters<typeof seedStore>[0] = {}) {
  const [a, b, c] = await Promise.all([
    seedStore({ name: "南京路店", ...storeOverrides }),
    seedStore({ name: "西湖店" }),
    seedStore({ name: "外滩店" }),
  ]);
  const template = await seedStoreTemplate();
  const livestream = await seedLivestream([template.id], [a.id, b.id]);
  const { shopper, coupon } = await claimedThrough(livestream, template.id);
  const [tokenA, tokenB, tokenC] = await Promise.all([seedStaffToken(a.id), seedStaffToken(b.id), seedStaffToken(c.id)]);
  return {
    a,
    b,
    c,
    template,
    livestream,
    shopper,
    coupon,
    tillA: till(tokenA, a.id),
    tillB: till(tokenB, b.id),
    tillC: till(tokenC, c.id),
    tokenB,
  };
}

const redeemedCount = async (templateId: string) => (await env.COUPON_POOL.getByName(templateId).stats()).redeemed;

describe("redeeming a store coupon at the till", () => {
  it("shows what a scanned QR code gives, then redeems it once: two tills at the same moment get one 201 and one already_redeemed, when and where", async () => {
    const { a, b, template, livestream, shopper, coupon, tillA, tillB } = await scene();
    const looked = await tillA.lookup(coupon.id);
    expect(looked.status).toBe(200);
    expect(await looked.json()).toMatchObject({
      coupon: {
        id: coupon.id,
        amountOff: 3_000,
        redeemable: true,
        refusal: null,
        shortCode: coupon.shortCode,
        shopperHint: `shp_…${shopper.id.slice(-4)}`,
      },
    });

    const [first, second] = await Promise.all([tillA.redeem(coupon.id), tillB.redeem(coupon.id)]);
    const answers = [first, second];
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = answers.find((r) => r.status === 201)!;
    const loser = answers.find((r) => r.status === 409)!;
    const { redemption } = await winner.json<{ redemption: { storeId: string; redeemedAt: number; livestreamId: string } }>();
    expect(redemption.livestreamId).toBe(livestream.id);
    expect([a.id, b.id]).toContain(redemption.storeId);
    expect(await loser.json()).toMatchObject({
      error: {
        code: "already_redeemed",
        redeemedAt: redemption.redeemedAt,
        storeId: redemption.storeId,
        storeName: redemption.storeId === a.id ? "南京路店" : "西湖店",
      },
    });
    expect(await redeemedCount(template.id)).toBe(1);

    // The wallet shows where and when.
    const { coupons } = await (await shopper.request("/api/me/coupons")).json<{ coupons: Array<Record<string, unknown>> }>();
    expect(coupons.find((c) => c.id === coupon.id)).toMatchObject({
      status: "used",
      redeem: "in_store",
      redeemedAt: redemption.redeemedAt,
      redeemedStore: { id: redemption.storeId },
    });
    // The till that looks again is told so.
    expect(await (await tillA.lookup(coupon.id)).json()).toMatchObject({
      coupon: { redeemable: false, refusal: { code: "already_redeemed" }, redeemedStoreId: redemption.storeId },
    });
  });

  it("gives exactly one 201 to 20 concurrent tills redeeming one short code, typed every which way", async () => {
    const { template, coupon, tillA, tillB } = await scene();
    const typed = [
      coupon.shortCode,
      coupon.shortCode.toLowerCase(),
      coupon.shortCode.replace(/-/g, " "),
      coupon.shortCode.replace(/-/g, ""),
    ];
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? tillA : tillB).redeem(typed[i % typed.length]!)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = await Promise.all(answers.filter((r) => r.status !== 201).map((r) => r.json<ApiError>()));
    expect(refused).toHaveLength(19);
    for (const { error } of refused)
      expect(error).toMatchObject({ code: "already_redeemed", redeemedAt: expect.any(Number), storeName: expect.any(String) });
    expect(await redeemedCount(template.id)).toBe(1);
  });

  it("answers a retried Idempotency-Key with the same redemption", async () => {
    const { coupon, tillA } = await scene();
    const key = crypto.randomUUID();
    const first = await tillA.redeem(coupon.id, key);
    expect(first.status).toBe(201);
    const again = await tillA.redeem(coupon.id, key);
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ replayed: true, redemption: { couponId: coupon.id } });
  });

  it("refuses a store the coupon is not valid in (not_redeemable_here, with its stores) and redeems nothing", async () => {
    const { a, b, template, coupon, tillC, tillA } = await scene();
    const refused = await tillC.redeem(coupon.id);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "not_redeemable_here", stores: [a.id, b.id] } });
    expect(await redeemedCount(template.id)).toBe(0);
    expect((await tillA.redeem(coupon.id)).status).toBe(201);
  });

  it("refuses a token for another store (403 wrong_store) and no token (401), redeeming nothing", async () => {
    const { a, template, coupon, tokenB } = await scene();
    const wrong = await till(tokenB, a.id).redeem(coupon.id);
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as ApiError).error.code).toBe("wrong_store");
    expect((await till(tokenB, a.id).lookup(coupon.id)).status).toBe(403);
    for (const token of ["", "Bearer sst_000000000000_notarealsecretnotarealsecretnotareal", "Bearer nonsense"]) {
      const response = await till(token, a.id).redeem(coupon.id);
      expect(response.status).toBe(401);
      expect(((await response.json()) as ApiError).error.code).toBe("unauthorized");
    }
    expect(await redeemedCount(template.id)).toBe(0);
  });

  it("answers a forged code 404 and a mistyped short code 400 invalid_code, redeeming nothing", async () => {
    const { template, coupon, tillA } = await scene();
    const forgedId = `cpn_${template.id}_zzzzzzzzzzzzzzzz`;
    const data = "7ZZZZZZZ";
    const forgedShort = `${data.slice(0, 4)}-${data.slice(4)}-${checkSymbol(data)}`;
    for (const code of [forgedId, forgedShort]) {
      const response = await tillA.redeem(code);
      expect(response.status, code).toBe(404);
      expect(((await response.json()) as ApiError).error.code).toBe("not_found");
      expect((await tillA.lookup(code)).status).toBe(404);
    }
    // One symbol changed: the check symbol catches it before any lookup.
    const symbols = coupon.shortCode.replace(/-/g, "");
    const wrong = symbols[0] === "7" ? "8" : "7";
    const typo = wrong + symbols.slice(1);
    for (const response of [await tillA.redeem(typo), await tillA.lookup(typo), await tillA.redeem("cpn_?")]) {
      expect(response.status).toBe(400);
      expect(((await response.json()) as ApiError).error.code).toBe("invalid_code");
    }
    expect(await redeemedCount(template.id)).toBe(0);
  });

  it("refuses outside opening hours when the store redeems only while open (store_closed), redeeming nothing", async () => {
    const never = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    const { template, coupon, tillA } = await scene({ redeemOnlyWhenOpen: true, openingHours: never });
    const refused = await tillA.redeem(coupon.id);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ApiError).error.code).toBe("store_closed");
    expect(await (await tillA.lookup(coupon.id)).json()).toMatchObject({
      coupon: { redeemable: false, refusal: { code: "store_closed" } },
    });
    expect(await redeemedCount(template.id)).toBe(0);
  });

  it("reads opening hours in the store's own time zone: closed at its 03:00 (opensAt its next 09:00), open at its 10:00", async () => {
    // A fixed-offset zone that puts the store's clock at the hour wanted, whatever the time now.
    const zoneAt = (localHour: number) => {
      let offset = (localHour - new Date().getUTCHours() + 48) % 24;
      if (offset > 14) offset -= 24;
      return offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
    };
    const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
    const nineToNine = Object.fromEntries(days.map((d) => [d, ["09:00-21:00"]])) as Record<(typeof days)[number], string[]>;
    const night = await scene({ redeemOnlyWhenOpen: true, openingHours: nineToNine, timeZone: zoneAt(3) });
    const before = Date.now();
    const refused = await night.tillA.redeem(night.coupon.id);
    expect(refused.status).toBe(409);
    const { error } = await refused.json<ApiError>();
    expect(error.code).toBe("store_closed");
    // Six hours ahead, give or take the minutes past the hour.
    const opensAt = error.opensAt as number;
    expect(opensAt - before).toBeGreaterThan(5 * 3_600_000 - 60_000);
    expect(opensAt - before).toBeLessThanOrEqual(6 * 3_600_000);
    expect(opensAt % 60_000).toBe(0);

    const day = await scene({ redeemOnlyWhenOpen: true, openingHours: nineToNine, timeZone: zoneAt(10) });
    expect((await day.tillA.redeem(day.coupon.id)).status).toBe(201);
  });

  it("refuses a store coupon at online checkout (coupon_not_applicable), and an online coupon at the till (404)", async () => {
    const { template, shopper, coupon, tillA } = await scene();
    const sale = await seedSale();
    const checkout = await shopper.post(
      "/api/checkout",
      { sku: sale.sku, qty: 1, coupons: [coupon.id] },
      { "Idempotency-Key": crypto.randomUUID() },
    );
    expect(checkout.status).toBe(409);
    expect(((await checkout.json()) as ApiError).error.code).toBe("coupon_not_applicable");
    expect(await env.COUPON_POOL.getByName(template.id).stats()).toMatchObject({ held: 0, used: 0, redeemed: 0 });
    // An online coupon, claimed and shown at a till, is none of the till's business.
    const online = await seedStoreTemplate({ redeem: "online" });
    const claimed = await shopper.post(`/api/coupons/${online.id}/claim`, {}, { "Idempotency-Key": crypto.randomUUID() });
    const { coupon: onlineCoupon } = await claimed.json<{ coupon: { id: string } }>();
    expect((await tillA.redeem(onlineCoupon.id)).status).toBe(404);
  });
});
