import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CouponPool } from "../../durable-objects/coupon-pool/index.ts";
import { type CouponTemplate, couponKey, couponTemplateSchema, type CouponTemplateInput } from "../../src/coupons/coupon-template.ts";
import { advanceObjectClock, type ApiError, type ApiOrder, seedSale, Shopper } from "./support.ts";

/** A live coupon template under a fresh id, written to KV: every test gets its own pool. */
async function seedCoupon(overrides: Partial<CouponTemplateInput> = {}): Promise<CouponTemplate> {
  const now = Date.now();
  const template = couponTemplateSchema.parse({
    id: `c-${crypto.randomUUID().slice(0, 18)}`,
    title: "满300减50",
    type: "amount_off",
    amountOff: 5_000,
    minSpend: 30_000,
    validFrom: now - 60_000,
    validUntil: now + 86_400_000,
    totalQuantity: 100,
    ...overrides,
  });
  await env.SALES.put(couponKey(template.id), JSON.stringify(template));
  return template;
}

type WalletCoupon = { id: string; status: string; usable: boolean; orderId: string | null };

async function claim(shopper: Shopper, templateId: string, key: string = crypto.randomUUID()) {
  return shopper.post(`/api/coupons/${templateId}/claim`, {}, { "Idempotency-Key": key });
}

async function claimed(shopper: Shopper, templateId: string): Promise<string> {
  const response = await claim(shopper, templateId);
  expect(response.status).toBe(201);
  return (await response.json<{ coupon: WalletCoupon }>()).coupon.id;
}

function checkoutWith(shopper: Shopper, sku: string, qty: number, coupons: string[], key: string = crypto.randomUUID()) {
  return shopper.post("/api/checkout", { sku, qty, coupons }, { "Idempotency-Key": key });
}

async function walletStatus(shopper: Shopper, couponId: string): Promise<WalletCoupon> {
  const { coupons } = await (await shopper.request("/api/me/coupons")).json<{ coupons: WalletCoupon[] }>();
  return coupons.find((c) => c.id === couponId)!;
}

/** Moves a pool's clock and runs its alarm: its due holds are settled by asking the SKU objects. */
async function settlePool(templateId: string, ms: number): Promise<void> {
  const pool = env.COUPON_POOL.getByName(templateId);
  await runInDurableObject(pool, (instance: CouponPool) => CouponPool.clockOf(instance).advance(ms));
  await runInDurableObject(pool, (instance: CouponPool) => instance.alarm());
}

describe("claiming coupons from a limited pool (issue 14)", () => {
  it("hands out exactly 100 from a pool of 100 to 1,000 concurrent claimers, each at most its limit", async () => {
    const template = await seedCoupon({ totalQuantity: 100, perShopperLimit: 1 });
    const pool = env.COUPON_POOL.getByName(template.id);
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => pool.claim(template, `shp_stampede${String(i % 800).padStart(4, "0")}`, `key-${i}`)),
    );
    const won = answers.filter((a) => a.ok);
    expect(won).toHaveLength(100);
    const owners = won.map((a) => (a.ok ? a.value.coupon.shopperId : ""));
    expect(new Set(owners).size).toBe(100);
    const refusals = new Set(answers.flatMap((a) => (a.ok ? [] : [a.error.code])));
    expect([...refusals].every((code) => code === "coupons_gone" || code === "limit_exceeded")).toBe(true);
    expect(await pool.stats()).toMatchObject({ claimed: 100, used: 0, held: 0 });
  });

  it("gives one shopper at most their limit under concurrent claims, and a retried key its own coupon", async () => {
    const template = await seedCoupon({ perShopperLimit: 2 });
    const pool = env.COUPON_POOL.getByName(template.id);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.claim(template, "shp_greedy", `k-${i}`)));
    expect(answers.filter((a) => a.ok)).toHaveLength(2);
    const first = answers.find((a) => a.ok)!;
    const key = answers.indexOf(first);
    const again = await pool.claim(template, "shp_greedy", `k-${key}`);
    expect(again.ok && again.value.replayed && first.ok && again.value.coupon.id === first.value.coupon.id).toBe(true);
  });

  it("claims over HTTP, refuses an unknown template, a paused one and one not yet open", async () => {
    const shopper = await Shopper.create();
    const open = await seedCoupon();
    const response = await claim(shopper, open.id);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ replayed: false, coupon: { status: "available", usable: true, title: "满300减50" } });
    expect((await claim(shopper, open.id)).status).toBe(409); // limit 1
    expect((await claim(shopper, "no-such-coupon")).status).toBe(404);
    const paused = await seedCoupon({ paused: true });
    expect(((await (await claim(shopper, paused.id)).json()) as ApiError).error.code).toBe("sale_paused");
    const later = await seedCoupon({ validFrom: Date.now() + 3_600_000, validUntil: Date.now() + 7_200_000 });
    expect(((await (await claim(shopper, later.id)).json()) as ApiError).error.code).toBe("not_started");
  });
});

describe("coupons in the checkout's TCC (issue 14)", () => {
  it("Try prices the order with the coupon; another checkout cannot use it meanwhile; Cancel gives it back once", async () => {
    const sale = await seedSale({ listPrice: 16_000, tiers: [], perShopperLimit: 5 });
    const template = await seedCoupon({ skus: [sale.sku] });
    const shopper = await Shopper.create();
    const couponId = await claimed(shopper, template.id);

    const tried = await checkoutWith(shopper, sale.sku, 2, [couponId]);
    expect(tried.status).toBe(201);
    const { order } = await tried.json<{ order: ApiOrder }>();
    expect(order).toMatchObject({ subtotalAmount: 32_000, totalAmount: 27_000, discounts: [{ couponId, amount: 5_000 }] });
    expect((await walletStatus(shopper, couponId)).status).toBe("held");

    const second = await checkoutWith(shopper, sale.sku, 2, [couponId]);
    expect(second.status).toBe(409);
    expect(((await second.json()) as ApiError).error.code).toBe("coupon_in_use");

    const cancelled = await shopper.post(`/api/orders/${order.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect((await walletStatus(shopper, couponId)).status).toBe("available");
    // Again: nothing changes twice.
    expect((await (await shopper.post(`/api/orders/${order.id}/cancel`, {})).json<{ changed: boolean }>()).changed).toBe(false);
    expect((await walletStatus(shopper, couponId)).status).toBe("available");
  });

  it("Confirm spends the coupon once; a spent coupon is refused", async () => {
    const sale = await seedSale({ listPrice: 40_000, tiers: [], perShopperLimit: 5 });
    const template = await seedCoupon();
    const shopper = await Shopper.create();
    const couponId = await claimed(shopper, template.id);
    const { order } = await (await checkoutWith(shopper, sale.sku, 1, [couponId])).json<{ order: ApiOrder }>();
    const paid = await shopper.post(`/api/orders/${order.id}/pay`, {});
    expect(paid.status).toBe(200);
    expect((await paid.json<{ order: ApiOrder }>()).order).toMatchObject({ status: "paid", totalAmount: 35_000 });
    expect(await walletStatus(shopper, couponId)).toMatchObject({ status: "used", orderId: order.id, usable: false });
    const again = await checkoutWith(shopper, sale.sku, 1, [couponId]);
    expect(((await again.json()) as ApiError).error.code).toBe("coupon_used");
    expect(await env.COUPON_POOL.getByName(template.id).stats()).toMatchObject({ claimed: 1, used: 1, held: 0 });
  });

  it("refuses a threshold not met, another SKU, and two coupons that do not stack, taking nothing", async () => {
    const sale = await seedSale({ listPrice: 10_000, tiers: [], perShopperLimit: 5, stock: 10 });
    const threshold = await seedCoupon();
    const elsewhere = await seedCoupon({ skus: ["some-other-sku"], minSpend: 0 });
    const shopper = await Shopper.create();
    const a = await claimed(shopper, threshold.id);
    const b = await claimed(shopper, elsewhere.id);
    const below = await checkoutWith(shopper, sale.sku, 1, [a]);
    expect(await below.json()).toMatchObject({ error: { code: "coupon_not_applicable", minSpend: 30_000, subtotal: 10_000 } });
    expect(((await (await checkoutWith(shopper, sale.sku, 1, [b])).json()) as ApiError).error.code).toBe("coupon_not_applicable");
    expect(((await (await checkoutWith(shopper, sale.sku, 3, [a, b])).json()) as ApiError).error.code).toBe("coupon_not_stackable");
    // Nothing was held: units and coupons are where they were.
    expect((await walletStatus(shopper, a)).status).toBe("available");
    expect((await walletStatus(shopper, b)).status).toBe("available");
    const snap = await (await shopper.request(`/api/skus/${sale.sku}`)).json<{ stock: { remaining: number } }>();
    expect(snap.stock.remaining).toBe(10);
    // Another shopper's coupon is as good as missing.
    const other = await Shopper.create();
    expect((await checkoutWith(other, sale.sku, 3, [a])).status).toBe(404);
  });

  it("gives the coupon back when the order's hold expires, settled by the pool's alarm", async () => {
    const sale = await seedSale({ listPrice: 40_000, tiers: [], perShopperLimit: 5, holdSeconds: 60 });
    const template = await seedCoupon();
    const shopper = await Shopper.create();
    const couponId = await claimed(shopper, template.id);
    const { order } = await (await checkoutWith(shopper, sale.sku, 1, [couponId])).json<{ order: ApiOrder }>();

    // The pool's first look (60 s on): the order carries the coupon and awaits payment, so the hold is extended.
    await settlePool(template.id, 61_000);
    expect((await walletStatus(shopper, couponId)).status).toBe("held");

    await advanceObjectClock(sale.sku, 61_000);
    await runDurableObjectAlarm(env.SKU_SALE.getByName(sale.sku));
    await settlePool(template.id, 20_000);
    expect((await walletStatus(shopper, couponId)).status).toBe("available");
    expect((await (await shopper.request(`/api/orders/${order.id}`)).json<{ order: ApiOrder }>()).order.status).toBe("expired");
  });

  it("gives back a hold whose Try never reached the SKU object, and the object then refuses that hold", async () => {
    const sale = await seedSale({ listPrice: 40_000, tiers: [], perShopperLimit: 5 });
    const template = await seedCoupon();
    const shopper = await Shopper.create();
    const couponId = await claimed(shopper, template.id);
    const pool = env.COUPON_POOL.getByName(template.id);
    const held = await pool.hold(template, couponId, { shopperId: shopper.id, sku: sale.sku, idempotencyKey: "lost-try-0001" });
    expect(held.ok).toBe(true);
    await settlePool(template.id, 61_000);
    expect((await walletStatus(shopper, couponId)).status).toBe("available");
    // The lost Try arriving late (the SKU object's time has moved on as the pool's did) is refused: its hold ran out.
    await advanceObjectClock(sale.sku, 61_000);
    const late = await env.SKU_SALE.getByName(sale.sku).tryCheckout({
      shopperId: shopper.id,
      idempotencyKey: "lost-try-0001",
      qty: 1,
      coupons: [held.ok ? held.value.terms : (undefined as never)],
    });
    expect(late.ok ? "taken" : late.error.code).toBe("coupon_unavailable");
  });

  it("lets the order page switch coupons on an unpaid order, giving back the one it dropped", async () => {
    const sale = await seedSale({ listPrice: 40_000, tiers: [], perShopperLimit: 5 });
    const fifty = await seedCoupon();
    const tenPercent = await seedCoupon({ type: "percent_off", amountOff: 0, percentOff: 12, maxDiscount: 0, minSpend: 0 });
    const shopper = await Shopper.create();
    const a = await claimed(shopper, fifty.id);
    const b = await claimed(shopper, tenPercent.id);
    const { order } = await (await checkoutWith(shopper, sale.sku, 1, [a])).json<{ order: ApiOrder }>();
    const switched = await shopper.post(`/api/orders/${order.id}/coupons`, { coupons: [b] });
    expect(switched.status).toBe(200);
    // 12 % of 40,000 fen is 4,800.
    expect((await switched.json<{ order: ApiOrder }>()).order).toMatchObject({
      totalAmount: 35_200,
      discounts: [{ couponId: b, amount: 4_800 }],
    });
    expect((await walletStatus(shopper, a)).status).toBe("available");
    expect((await walletStatus(shopper, b)).status).toBe("held");
    const none = await shopper.post(`/api/orders/${order.id}/coupons`, { coupons: [] });
    expect((await none.json<{ order: ApiOrder }>()).order).toMatchObject({ totalAmount: 40_000, discounts: [] });
    expect((await walletStatus(shopper, b)).status).toBe("available");
  });
});

describe("granted coupons (a team's red packet shares)", () => {
  it("grants once per key with the coupon's own amount, spends like any other, and cannot be claimed", async () => {
    const template = await seedCoupon({ claimable: false, minSpend: 0, amountOff: 1, totalQuantity: 1_000_000 });
    const shopper = await Shopper.create();
    const pool = env.COUPON_POOL.getByName(template.id);
    const grant = { grantKey: "team-1:leader", shopperId: shopper.id, amountOff: 2_501, validUntil: Date.now() + 86_400_000 };
    const [first, again] = await Promise.all([pool.grant(template, grant), pool.grant(template, grant)]);
    expect(first.coupon.id).toBe(again.coupon.id);
    expect([first.replayed, again.replayed].sort()).toEqual([false, true]);
    expect((await claim(shopper, template.id)).status).toBe(404);
    const sale = await seedSale({ listPrice: 10_000, tiers: [], perShopperLimit: 5 });
    const { order } = await (await checkoutWith(shopper, sale.sku, 1, [first.coupon.id])).json<{ order: ApiOrder }>();
    expect(order).toMatchObject({ totalAmount: 7_499, discounts: [{ amount: 2_501 }] });
  });
});
