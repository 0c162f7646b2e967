import { templateOfCouponId } from "../../../src/coupons/coupon.ts";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import type { CouponTemplate } from "../../../src/coupons/coupon-template.ts";
import type { CouponTerms, DiscountLine } from "../../../src/coupons/discount.ts";
import { VerdictCache } from "../../../src/edge/verdict-cache.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { edgeClock } from "./sku-object.ts";

/** A checkout as coupon holds name it: its SKU and its Idempotency-Key (the shopper owns the coupon). */
export interface CheckoutRef {
  shopperId: string;
  sku: string;
  idempotencyKey: string;
}

/**
 * Coupon templates as this isolate last read them from KV, for a few seconds: a claim or a Try
 * with a coupon then costs no KV read. A stale copy does no harm: each pool keeps the newest
 * version it has been given and decides by that (CouponPool.adopt); an admin save through this
 * isolate replaces the copy at once (`couponTemplateSaved`).
 */
const templates = new VerdictCache<CouponTemplate | null>({
  ttlMs: (template) => (template ? 10_000 : 2_000),
  now: () => edgeClock.now(),
  maxEntries: 1_000,
});

/** The template `id` (null when there is none), through the isolate's few-seconds memory. */
export function findTemplate(env: Env, id: string): Promise<CouponTemplate | null> {
  return templates.get(id, () => new CouponCatalog(env.SALES).find(id));
}

/** An admin save of a template: this isolate reads the new version from now on. */
export function couponTemplateSaved(template: CouponTemplate): void {
  templates.set(template.id, template);
}

/** The template a coupon id names; an id of no template is simply not found. */
export async function templateOf(env: Env, couponId: string): Promise<CouponTemplate> {
  const id = templateOfCouponId(couponId);
  const template = id ? await findTemplate(env, id) : null;
  if (!template) throw new AppError("not_found", `no coupon ${couponId}`);
  return template;
}

export const couponPool = (env: Env, templateId: string) => env.COUPON_POOL.getByName(templateId);

/**
 * Try, for the coupons: holds each in its pool for the checkout. All or nothing: one refused,
 * the holds this call made are given back and the refusal thrown. Answers the terms to
 * price with, and which holds were made now (the only ones a refused Try gives back).
 */
export async function holdCoupons(
  env: Env,
  checkout: CheckoutRef,
  couponIds: readonly string[],
): Promise<{ terms: CouponTerms[]; fresh: string[] }> {
  if (couponIds.length === 0) return { terms: [], fresh: [] };
  const answers = await Promise.allSettled(
    couponIds.map(async (id) => {
      const template = await templateOf(env, id);
      return unwrap(await couponPool(env, template.id).hold(template, id, checkout));
    }),
  );
  const fresh = answers.flatMap((a) => (a.status === "fulfilled" && a.value.fresh ? [a.value.terms.couponId] : []));
  const refused = answers.find((a): a is PromiseRejectedResult => a.status === "rejected");
  if (refused) {
    await releaseCoupons(env, checkout, fresh);
    throw refused.reason;
  }
  return { terms: answers.map((a) => (a as PromiseFulfilledResult<{ terms: CouponTerms }>).value.terms), fresh };
}

/**
 * Cancel, for the coupons: gives each back if this checkout holds it. Best effort: a pool
 * that does not answer settles the hold itself when it is due (asking the SKU object).
 */
export async function releaseCoupons(env: Env, checkout: CheckoutRef, couponIds: readonly string[]): Promise<void> {
  await Promise.all(
    couponIds.map((id) => {
      const templateId = templateOfCouponId(id);
      if (!templateId) return undefined;
      return couponPool(env, templateId)
        .release(id, checkout)
        .catch((error: Error) => console.error(`coupon ${id}: release failed, its pool settles it (${redactSecrets(error.message)})`));
    }),
  );
}

/**
 * Confirm, for the coupons of a paid order: each is spent, once. Best effort as release is:
 * the pool settles a hold it was not told about as spent when its order is paid. Answers the
 * coupons this call spent (for the redemption count).
 */
export async function spendCoupons(env: Env, checkout: CheckoutRef, orderId: string, lines: readonly DiscountLine[]): Promise<string[]> {
  const spent = await Promise.all(
    lines.map(async (line) => {
      const changed = await couponPool(env, line.templateId)
        .spend(line.couponId, checkout, orderId)
        .then((answer) => answer.changed)
        .catch((error: Error) => {
          console.error(`coupon ${line.couponId}: spend failed, its pool settles it (${redactSecrets(error.message)})`);
          return false;
        });
      return changed ? [line.couponId] : [];
    }),
  );
  return spent.flat();
}
