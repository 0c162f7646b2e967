import { DurableObject } from "cloudflare:workers";
import { MovableClock } from "../../src/clock.ts";
import { mayClaim } from "../../src/coupons/claim.ts";
import {
  type CheckoutOutcome,
  type Coupon,
  type CouponHold,
  holdCoupon,
  newCouponId,
  redeemCoupon,
  releaseCoupon,
  settleHold,
  spendCoupon,
  termsOf,
} from "../../src/coupons/coupon.ts";
import type { CouponTemplate } from "../../src/coupons/coupon-template.ts";
import type { CouponTerms } from "../../src/coupons/discount.ts";
import { newShortCode } from "../../src/coupons/short-code.ts";
import { fail, type Result, succeed } from "../../src/errors.ts";
import { PoolStore } from "./pool-store.ts";

/** A checkout as a coupon hold names it. */
export type Checkout = Pick<CouponHold, "sku" | "idempotencyKey">;

/** What the console shows of a pool. */
export interface PoolStats {
  templateId: string | null;
  version: number | null;
  quantity: number;
  claimed: number;
  held: number;
  used: number;
  /** Of the used: redeemed in a store (issue 15). */
  redeemed: number;
}

/** What a livestream stamps on the store coupons claimed through it (issue 15). */
export interface ClaimStamp {
  livestreamId: string;
  /** The stores the coupon is redeemable in. */
  stores: string[];
}

/** A till's redemption: its store, its Idempotency-Key, and whether the store may redeem now. */
export interface TillRedemption {
  storeId: string;
  idempotencyKey: string;
  storeOpen: boolean;
}

/** Due holds settled per alarm run; more wait for the next run, at once. */
const SETTLE_BATCH = 50;
/** A SKU object that did not answer is asked again this much later. */
const SETTLE_RETRY_MS = 10_000;

/**
 * One coupon template's pool (issue 14), named by the template's id: it hands out coupons
 * and keeps every one of them, so the two things that must be exact happen in one place,
 * one request at a time:
 *
 * - Claims. The count and the shopper's limit are checked and the coupon written in the same
 *   turn: 1,000 concurrent claimers of a pool of 100 get exactly 100 coupons.
 * - The checkout's TCC, seen from the coupon (src/coupons/coupon.ts): Try holds it for one
 *   checkout, Confirm spends it, Cancel gives it back. A hold that is due (60 s after it
 *   began, or after its order's own hold) is settled by asking the SKU object what became of
 *   the checkout, so a Worker that died between two steps loses no coupon and spends none
 *   twice: expiry gives a coupon back without anyone calling.
 *
 * Callers pass the template as they read it from KV; the pool keeps the newest version it has
 * seen, so a stale reader never undoes a marketer's change.
 */
export class CouponPool extends DurableObject<Env> {
  private readonly clock = new MovableClock();
  private readonly store: PoolStore;
  /** The newest template version seen, as stored (read once per wake). */
  private template: CouponTemplate | null = null;
  /** The alarm time we last set: it only ever moves earlier between runs. */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new PoolStore(ctx.storage);
    ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** The pool's clock, for tests (src/clock.ts). Static: no part of its RPC surface. */
  static clockOf(pool: CouponPool): MovableClock {
    return pool.clock;
  }

  /**
   * Claims one coupon for the shopper. The same `claimKey` (the request's Idempotency-Key)
   * answers the coupon it claimed before, whatever the pool holds now.
   */
  async claim(
    template: CouponTemplate,
    shopperId: string,
    claimKey: string,
    stamp: ClaimStamp | null = null,
  ): Promise<Result<{ coupon: Coupon; replayed: boolean }>> {
    const current = this.adopt(template);
    const earlier = this.store.byClaimKey(shopperId, claimKey);
    if (earlier) return succeed({ coupon: earlier, replayed: true });
    if (!current.claimable) return fail("not_found", `coupon "${current.id}" is granted, not claimed`);
    // A store coupon is handed out only by its livestream, which stamps where it is redeemable.
    if ((current.redeem === "in_store") !== (stamp !== null)) {
      return fail("not_found", `coupon "${current.id}" is ${stamp ? "not a store coupon" : "claimed through its livestream"}`);
    }
    const now = this.clock.now();
    const counts = this.store.counts();
    const allowed = mayClaim(current, { claimed: counts.claimed, claimedByShopper: this.store.claimedBy(shopperId) }, now);
    if (!allowed.ok) return allowed;
    const coupon: Coupon = {
      id: newCouponId(current.id),
      templateId: current.id,
      shopperId,
      claimedAt: now,
      amountOff: null,
      validUntil: current.validUntil,
      status: "available",
      hold: null,
      orderId: null,
      usedAt: null,
      stores: stamp ? [...stamp.stores] : null,
      livestreamId: stamp?.livestreamId ?? null,
      shortCode: stamp ? this.freshShortCode() : null,
      redeemedAt: null,
      redeemedStoreId: null,
    };
    this.store.insert(coupon, claimKey, { ...counts, claimed: counts.claimed + 1 });
    return succeed({ coupon, replayed: false });
  }

  /**
   * Grants one coupon to a shopper, of its own amount (a team's red packet share): exactly
   * once per `grantKey`, whoever asks again. Granted coupons come from templates of their own
   * (`claimable: false`), so no claim limit applies; the template's window still bounds spending.
   * `amountOff` null: the template's own terms (a member tier's coupon, issue 16).
   */
  async grant(
    template: CouponTemplate,
    grant: { grantKey: string; shopperId: string; amountOff: number | null; validUntil: number },
  ): Promise<{ coupon: Coupon; replayed: boolean }> {
    const current = this.adopt(template);
    const earlier = this.store.byClaimKey(grant.shopperId, grant.grantKey);
    if (earlier) return { coupon: earlier, replayed: true };
    const counts = this.store.counts();
    const coupon: Coupon = {
      id: newCouponId(current.id),
      templateId: current.id,
      shopperId: grant.shopperId,
      claimedAt: this.clock.now(),
      amountOff: grant.amountOff,
      validUntil: grant.validUntil,
      status: "available",
      hold: null,
      orderId: null,
      usedAt: null,
      stores: null,
      livestreamId: null,
      shortCode: null,
      redeemedAt: null,
      redeemedStoreId: null,
    };
    this.store.insert(coupon, grant.grantKey, { ...counts, claimed: counts.claimed + 1 });
    return { coupon, replayed: false };
  }

  /**
   * Try: holds the shopper's coupon for one checkout and answers the terms to price it with.
   * `fresh`: this call made the hold (false: the checkout held it already, a retried Try),
   * which is the only case its caller may give it back on a refusal.
   */
  async hold(
    template: CouponTemplate,
    couponId: string,
    request: { shopperId: string; sku: string; idempotencyKey: string },
  ): Promise<Result<{ terms: CouponTerms; fresh: boolean }>> {
    const current = this.adopt(template);
    const coupon = this.store.byId(couponId);
    if (!coupon) return fail("not_found", `no coupon ${couponId}`);
    const held = holdCoupon(coupon, current, request, this.clock.now());
    if (!held.ok) return held;
    if (held.value.changed) {
      this.store.update([held.value.coupon], null);
      this.scheduleSettle();
    }
    return succeed({ terms: termsOf(held.value.coupon, current, held.value.coupon.hold!.until), fresh: held.value.changed });
  }

  /** Cancel: gives the coupon back if this checkout holds it; anything else changes nothing. */
  async release(couponId: string, checkout: Checkout): Promise<{ changed: boolean }> {
    const coupon = this.store.byId(couponId);
    const released = coupon && releaseCoupon(coupon, checkout);
    if (released) this.store.update([released], null);
    return { changed: released !== null && released !== undefined };
  }

  /** Confirm: the checkout's order `orderId` is paid; the coupon is spent, once. */
  async spend(couponId: string, checkout: Checkout, orderId: string): Promise<{ changed: boolean }> {
    const coupon = this.store.byId(couponId);
    const spent = coupon && spendCoupon(coupon, checkout, orderId, this.clock.now());
    if (!spent) return { changed: false };
    const counts = this.store.counts();
    this.store.update([spent], { ...counts, used: counts.used + 1 });
    return { changed: true };
  }

  /** The shopper's coupons of this pool, newest first. */
  async wallet(shopperId: string): Promise<Coupon[]> {
    return this.store.ofShopper(shopperId);
  }

  /** One coupon of the shopper's, or null. */
  async coupon(couponId: string, shopperId: string): Promise<Coupon | null> {
    const coupon = this.store.byId(couponId);
    return coupon && coupon.shopperId === shopperId ? coupon : null;
  }

  /** Any coupon of the pool by id (a till reads the QR code), or null. */
  async findById(couponId: string): Promise<Coupon | null> {
    return this.store.byId(couponId);
  }

  /** The coupon a short code (canonical form, src/coupons/short-code.ts) names, or null. */
  async findByCode(shortCode: string): Promise<Coupon | null> {
    return this.store.byShortCode(shortCode);
  }

  /**
   * Redeems a store coupon at a till (issue 15), exactly once: the decision
   * (src/coupons/coupon.ts redeemCoupon) and the write happen in this one turn, so of two
   * tills scanning one code at the same moment one succeeds and the other is told
   * `already_redeemed`, when and where. The same till's Idempotency-Key answers its own
   * redemption again (`replayed`).
   */
  async redeem(template: CouponTemplate, couponId: string, till: TillRedemption): Promise<Result<{ coupon: Coupon; replayed: boolean }>> {
    const current = this.adopt(template);
    const earlier = this.store.redeemedWith(till.storeId, till.idempotencyKey);
    if (earlier !== null && earlier !== couponId) {
      return fail("idempotency_conflict", "this Idempotency-Key redeemed another coupon", { couponId: earlier });
    }
    const coupon = this.store.byId(couponId);
    if (!coupon) return fail("not_found", `no coupon ${couponId}`);
    if (earlier === couponId) return succeed({ coupon, replayed: true });
    const redeemed = redeemCoupon(coupon, current, { storeId: till.storeId, now: this.clock.now(), storeOpen: till.storeOpen });
    if (!redeemed.ok) return redeemed;
    const counts = this.store.counts();
    this.store.redeem(redeemed.value, till.idempotencyKey, {
      ...counts,
      used: counts.used + 1,
      redeemed: (counts.redeemed ?? 0) + 1,
    });
    return succeed({ coupon: redeemed.value, replayed: false });
  }

  async stats(): Promise<PoolStats> {
    const template = this.store.template();
    const counts = this.store.counts();
    const held = this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM coupons WHERE status = 'held'").one().n;
    return {
      templateId: template?.id ?? null,
      version: template?.version ?? null,
      quantity: template?.totalQuantity ?? 0,
      claimed: counts.claimed,
      held,
      used: counts.used,
      redeemed: counts.redeemed ?? 0,
    };
  }

  /**
   * A saved version of the template. Refused when it would put the pool below the coupons
   * already claimed; an older version than the one held is ignored.
   */
  async applyTemplate(template: CouponTemplate): Promise<Result<{ claimed: number }>> {
    const { claimed } = this.store.counts();
    if (template.totalQuantity < claimed) {
      return fail("conflict", `${claimed} coupons are claimed already: totalQuantity must be at least that`, {
        problems: [`totalQuantity: must be at least ${claimed}, the coupons claimed so far`],
      });
    }
    this.adopt(template);
    return succeed({ claimed });
  }

  /** Settles the holds that are due: asks each one's SKU object what became of its checkout. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = this.clock.now();
    const due = this.store.dueHolds(now, SETTLE_BATCH);
    let retry = false;
    const settled = await Promise.all(
      due.map(async (coupon) => {
        const outcome = await this.outcomeOf(coupon);
        if (!outcome) retry = true;
        return outcome ? settleHold(coupon, outcome, this.clock.now()) : null;
      }),
    );
    const changed = settled.filter((coupon): coupon is Coupon => coupon !== null);
    const spent = changed.filter((coupon) => coupon.status === "used").length;
    const counts = this.store.counts();
    this.store.update(changed, spent > 0 ? { ...counts, used: counts.used + spent } : null);
    if (due.length === SETTLE_BATCH) this.setAlarm(this.clock.now());
    else if (retry) this.setAlarm(this.clock.now() + SETTLE_RETRY_MS);
    this.scheduleSettle();
  }

  /** What the coupon's checkout came to, or null when its SKU object could not say. */
  private async outcomeOf(coupon: Coupon): Promise<CheckoutOutcome | null> {
    const hold = coupon.hold!;
    try {
      const answer = await this.env.SKU_SALE.getByName(hold.sku).couponOutcome(coupon.shopperId, hold.idempotencyKey, coupon.id);
      if (answer.ok) return answer.value;
      // No sale for the SKU (deleted, or never one): no order can carry the coupon.
      return answer.error.code === "not_found" ? { kind: "released" } : null;
    } catch (error) {
      console.error(`coupon pool: the SKU object of ${hold.sku} did not answer for ${coupon.id}: ${(error as Error).message}`);
      return null;
    }
  }

  /** Sets the alarm for the next due hold, if it is earlier than the alarm set. */
  private scheduleSettle(): void {
    const next = this.store.nextHoldDue();
    if (next !== null) this.setAlarm(next);
  }

  private setAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /** A short code no coupon of this pool has: 40 random bits, so a clash is rare and simply drawn again. */
  private freshShortCode(): string {
    for (;;) {
      const code = newShortCode();
      if (!this.store.shortCodeTaken(code)) return code;
    }
  }

  /** The newest template seen: the caller's when newer, else the pool's own (kept in memory too). */
  private adopt(template: CouponTemplate): CouponTemplate {
    this.template ??= this.store.template();
    if (this.template && this.template.version >= template.version) return this.template;
    this.store.saveTemplate(template);
    this.template = template;
    return template;
  }
}
