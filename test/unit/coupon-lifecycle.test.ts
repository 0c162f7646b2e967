import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CheckoutOutcome,
  type Coupon,
  FIRST_HOLD_MS,
  holdCoupon,
  redeemCoupon,
  releaseCoupon,
  settleHold,
  spendCoupon,
} from "../../src/coupons/coupon.ts";
import { type CouponTemplate, couponTemplateSchema } from "../../src/coupons/coupon-template.ts";

const TEMPLATE: CouponTemplate = couponTemplateSchema.parse({
  id: "t1",
  title: "¥50 off",
  type: "amount_off",
  amountOff: 5_000,
  validFrom: 0,
  validUntil: 10_000_000,
  totalQuantity: 10,
});

const fresh = (): Coupon => ({
  id: "cpn_t1_aaaaaaaaaaaa",
  templateId: "t1",
  shopperId: "shp_a",
  claimedAt: 0,
  amountOff: null,
  validUntil: 10_000_000,
  status: "available",
  hold: null,
  orderId: null,
  usedAt: null,
  stores: null,
  livestreamId: null,
  shortCode: null,
  redeemedAt: null,
  redeemedStoreId: null,
});

/** A store coupon (issue 15), claimed through a livestream for two of three stores. */
const STORE_TEMPLATE: CouponTemplate = { ...TEMPLATE, id: "t2", redeem: "in_store" };
const STORES = ["sh-a", "sh-b", "hz-c"];
const freshInStore = (): Coupon => ({
  ...fresh(),
  id: "cpn_t2_bbbbbbbbbbbb",
  templateId: "t2",
  stores: ["sh-a", "sh-b"],
  livestreamId: "live-1",
  shortCode: "0123456789",
});

const checkouts = ["k1", "k2", "k3"].map((idempotencyKey) => ({ sku: "s", idempotencyKey }));

type Command =
  | { kind: "hold"; checkout: number }
  | { kind: "release"; checkout: number }
  | { kind: "spend"; checkout: number }
  | { kind: "settle"; outcome: CheckoutOutcome["kind"] }
  | { kind: "redeem" };

describe("a coupon's life in the checkout's TCC (src/coupons/coupon.ts)", () => {
  it("is held by at most one checkout, spent at most once and only by its holder, and never comes back once spent", () => {
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.record({ kind: fc.constant("hold" as const), checkout: fc.nat(2) }),
      fc.record({ kind: fc.constant("release" as const), checkout: fc.nat(2) }),
      fc.record({ kind: fc.constant("spend" as const), checkout: fc.nat(2) }),
      fc.record({
        kind: fc.constant("settle" as const),
        outcome: fc.constantFrom("paid" as const, "pending" as const, "released" as const),
      }),
      // Issue 15: a till trying an online coupon: always refused, nothing changes.
      fc.record({ kind: fc.constant("redeem" as const) }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let coupon = fresh();
        // The model: who holds it, and whether it was spent.
        let holder: number | null = null;
        let spent = 0;
        let now = 1_000;
        for (const step of commands) {
          now += 1_000;
          if (step.kind === "hold") {
            const held = holdCoupon(coupon, TEMPLATE, { shopperId: "shp_a", ...checkouts[step.checkout]! }, now);
            const expected = spent === 0 && (holder === null || holder === step.checkout);
            expect(held.ok).toBe(expected);
            if (held.ok) {
              coupon = held.value.coupon;
              holder = step.checkout;
            }
          } else if (step.kind === "release") {
            const released = releaseCoupon(coupon, checkouts[step.checkout]!);
            expect(released !== null).toBe(holder === step.checkout);
            if (released) {
              coupon = released;
              holder = null;
            }
          } else if (step.kind === "spend") {
            const used = spendCoupon(coupon, checkouts[step.checkout]!, "ord_s_x", now);
            expect(used !== null).toBe(holder === step.checkout);
            if (used) {
              coupon = used;
              holder = null;
              spent += 1;
            }
          } else if (step.kind === "redeem") {
            expect(redeemCoupon(coupon, TEMPLATE, { storeId: "sh-a", now, storeOpen: true })).toMatchObject({
              ok: false,
              error: { code: "not_found" },
            });
          } else {
            const outcome: CheckoutOutcome =
              step.outcome === "paid"
                ? { kind: "paid", orderId: "ord_s_x" }
                : step.outcome === "pending"
                  ? { kind: "pending", expiresAt: now + 600_000 }
                  : { kind: "released" };
            const settled = settleHold(coupon, outcome, now);
            if (holder === null) expect(settled).toBeNull();
            if (settled) {
              coupon = settled;
              if (settled.status === "used") spent += 1;
              if (settled.status !== "held") holder = null;
            }
          }
          expect(spent).toBeLessThanOrEqual(1);
          expect(coupon.status).toBe(spent === 1 ? "used" : holder === null ? "available" : "held");
        }
      }),
    );
  });

  it("lasts FIRST_HOLD_MS at first; a pending order extends it past the order's own expiry", () => {
    const held = holdCoupon(fresh(), TEMPLATE, { shopperId: "shp_a", sku: "s", idempotencyKey: "k1" }, 1_000);
    expect(held.ok && held.value.coupon.hold?.until).toBe(1_000 + FIRST_HOLD_MS);
    const coupon = held.ok ? held.value.coupon : fresh();
    expect(settleHold(coupon, { kind: "pending", expiresAt: 600_000 }, 61_000)?.hold?.until).toBe(610_000);
  });

  it("refuses another shopper, an expired coupon and one not yet valid", () => {
    expect(holdCoupon(fresh(), TEMPLATE, { shopperId: "shp_b", sku: "s", idempotencyKey: "k" }, 1)).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(holdCoupon(fresh(), TEMPLATE, { shopperId: "shp_a", sku: "s", idempotencyKey: "k" }, 10_000_000)).toMatchObject({
      ok: false,
      error: { code: "coupon_expired" },
    });
    expect(holdCoupon(fresh(), { ...TEMPLATE, validFrom: 5 }, { shopperId: "shp_a", sku: "s", idempotencyKey: "k" }, 1)).toMatchObject({
      ok: false,
      error: { code: "coupon_not_applicable" },
    });
  });

  it("redeems a store coupon at most once, only in its stores, while open and valid, and never online", () => {
    type StoreCommand =
      | { kind: "redeem"; store: number; open: boolean; wait: number }
      | { kind: "hold"; checkout: number }
      | { kind: "release"; checkout: number };
    const command: fc.Arbitrary<StoreCommand> = fc.oneof(
      fc.record({ kind: fc.constant("redeem" as const), store: fc.nat(2), open: fc.boolean(), wait: fc.nat(3_000_000) }),
      fc.record({ kind: fc.constant("hold" as const), checkout: fc.nat(2) }),
      fc.record({ kind: fc.constant("release" as const), checkout: fc.nat(2) }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        let coupon = freshInStore();
        // The model: where and when it was redeemed, if it was.
        let redeemed: { at: number; storeId: string } | null = null;
        let now = 1_000;
        for (const step of commands) {
          if (step.kind === "hold") {
            const held = holdCoupon(coupon, STORE_TEMPLATE, { shopperId: "shp_a", ...checkouts[step.checkout]! }, now);
            expect(held).toMatchObject({ ok: false, error: { code: "coupon_not_applicable" } });
          } else if (step.kind === "release") {
            expect(releaseCoupon(coupon, checkouts[step.checkout]!)).toBeNull();
          } else {
            now += step.wait;
            const storeId = STORES[step.store]!;
            const answer = redeemCoupon(coupon, STORE_TEMPLATE, { storeId, now, storeOpen: step.open });
            const expected = redeemed
              ? "already_redeemed"
              : storeId === "hz-c"
                ? "not_redeemable_here"
                : now >= TEMPLATE.validUntil
                  ? "coupon_expired"
                  : !step.open
                    ? "store_closed"
                    : "ok";
            expect(answer.ok ? "ok" : answer.error.code).toBe(expected);
            if (!answer.ok && redeemed) {
              expect(answer.error.details).toEqual({ redeemedAt: redeemed.at, storeId: redeemed.storeId });
            }
            if (answer.ok) {
              coupon = answer.value;
              redeemed = { at: now, storeId };
            }
          }
          expect(coupon.status).toBe(redeemed ? "used" : "available");
          expect(coupon.redeemedAt).toBe(redeemed?.at ?? null);
          expect(coupon.redeemedStoreId).toBe(redeemed?.storeId ?? null);
        }
      }),
    );
  });

  it("lets no till redeem an online coupon, and no checkout hold a store coupon", () => {
    expect(redeemCoupon(fresh(), TEMPLATE, { storeId: "sh-a", now: 1, storeOpen: true })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(holdCoupon(freshInStore(), STORE_TEMPLATE, { shopperId: "shp_a", sku: "s", idempotencyKey: "k" }, 1)).toMatchObject({
      ok: false,
      error: { code: "coupon_not_applicable" },
    });
  });
});
