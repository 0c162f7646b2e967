import { z } from "@hono/zod-openapi";
import type { Coupon } from "../../../src/coupons/coupon.ts";
import { usableAt } from "../../../src/coupons/coupon.ts";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import { appliesToSku, COUPON_ID, COUPON_TYPES, type CouponTemplate, REDEEM_KINDS } from "../../../src/coupons/coupon-template.ts";
import { formatShortCode } from "../../../src/coupons/short-code.ts";
import { AppError } from "../../../src/errors.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { claimCoupon } from "./claim-coupon.ts";
import { requireAudience } from "./coupon-audience.ts";
import { couponPool, findTemplate } from "./coupon-holds.ts";
import { addressLimit, sessionLimit, shopperLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { activeStores } from "./store-directory.ts";
import { idempotencyKeyHeader, shopperWrite } from "./validation.ts";

/** The terms every view of a coupon shows: what it takes off and where. */
const terms = {
  title: z.string(),
  description: z.string(),
  type: z
    .enum(COUPON_TYPES)
    .describe(
      "amount_off: `amountOff` fen off; percent_off: `percentOff` % off, rounded down to whole fen, at most `maxDiscount` (0: no cap)",
    ),
  amountOff: minorUnits,
  percentOff: int,
  maxDiscount: minorUnits,
  minSpend: minorUnits.describe("the order before coupons must cost at least this (满减 threshold); 0: none"),
  skus: z.array(z.string()).describe("the SKUs it applies to; empty: every sale"),
  stackable: z.boolean().describe("false: used alone; true: may go with other stackable coupons (up to 3)"),
  validFrom: epochMs,
  validUntil: epochMs.describe("claimable and usable until then (exclusive)"),
};

const storeRefSchema = z.object({ id: z.string(), name: z.string() }).openapi("StoreRef");

const offerSchema = z
  .object({
    templateId: z.string(),
    ...terms,
    perShopperLimit: int,
    remaining: int.describe("coupons left in the pool"),
  })
  .openapi("CouponOffer");

export const walletCouponSchema = z
  .object({
    id: z.string().describe("cpn_<template>_<random>: what a checkout names"),
    templateId: z.string(),
    ...terms,
    status: z.enum(["available", "held", "used"]).describe("held: an unpaid order carries it; used: a paid order spent it"),
    usable: z
      .boolean()
      .describe("available, within its validity now, and spendable at checkout (a store coupon never is: it is redeemed at a till)"),
    orderId: z.string().nullable().describe("the paid order that spent it"),
    claimedAt: epochMs,
    usedAt: epochMs.nullable(),
    redeem: z.enum(REDEEM_KINDS).describe("online: spent at checkout; in_store: shown at a store's till (QR code or short code)"),
    shortCode: z
      .string()
      .nullable()
      .describe("in_store: the code to type at the till, `XXXX-XXXX-C` (8 Crockford base32 symbols and a check symbol)"),
    livestreamId: z.string().nullable().describe("the livestream it was claimed through"),
    stores: z.array(storeRefSchema).nullable().describe("in_store: the stores it is redeemable in"),
    redeemedAt: epochMs.nullable().describe("in_store: when a till redeemed it"),
    redeemedStore: storeRefSchema.nullable().describe("in_store: where it was redeemed"),
  })
  .openapi("WalletCoupon");

const skuQuery = z.object({
  sku: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { description: "only coupons that apply to this SKU (and, in the wallet, are usable now)" } }),
});

const listOffers = contractRoute({
  method: "get",
  path: "/coupons",
  tags: ["coupons"],
  summary: "Coupons a shopper can claim now (in their window, not paused, some left)",
  request: { query: skuQuery },
  responses: {
    200: { description: "the offers", content: { "application/json": { schema: z.object({ coupons: z.array(offerSchema) }) } } },
  },
});

const claim = contractRoute({
  method: "post",
  path: "/coupons/{templateId}/claim",
  tags: ["coupons"],
  summary: "Claim one coupon from a template's pool",
  description:
    "Exact under a stampede: the pool object counts the claim and the shopper's limit in one turn, so a pool of 100 hands out 100 whatever the crowd. Retrying with the same Idempotency-Key answers the coupon that key claimed (`replayed: true`). A coupon for some RFM segments (`segments`) is refused `not_in_segment` to a shopper outside them (503 when their segment cannot be read).",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    params: z.object({ templateId: z.string().openapi({ param: { description: "the coupon template's id" } }) }),
    headers: idempotencyKeyHeader,
  },
  responses: {
    201: {
      description: "claimed (or the coupon this key claimed before)",
      content: { "application/json": { schema: z.object({ coupon: walletCouponSchema, replayed: z.boolean() }).openapi("CouponClaimed") } },
    },
  },
  errors: [
    "not_found",
    "not_in_segment",
    "not_started",
    "sale_paused",
    "limit_exceeded",
    "coupons_gone",
    "coupon_expired",
    "dependency_unavailable",
  ],
});

const wallet = contractRoute({
  method: "get",
  path: "/me/coupons",
  tags: ["coupons"],
  summary: "The shopper's coupons: available, held by an unpaid order, or used",
  middleware: [sessionLimit, session],
  request: { query: skuQuery },
  responses: {
    200: {
      description: "the wallet, newest first",
      content: { "application/json": { schema: z.object({ coupons: z.array(walletCouponSchema) }).openapi("CouponWallet") } },
    },
  },
});

/** Coupons for shoppers (issue 14): what can be claimed, claiming, and the shopper's wallet. */
export const coupons = contractApp()
  .openapi(listOffers, async (c) => {
    const { sku } = c.req.valid("query");
    const now = Date.now();
    const open = (await new CouponCatalog(c.env.SALES).list()).filter(
      // Store coupons (issue 15) are handed out only by their livestream.
      (t) =>
        t.claimable && t.redeem === "online" && now >= t.validFrom && now < t.validUntil && !t.paused && (!sku || appliesToSku(t, sku)),
    );
    const offers = await Promise.all(
      open.map(async (template) => {
        const stats = await couponPool(c.env, template.id).stats();
        return {
          templateId: template.id,
          ...termsOf(template),
          perShopperLimit: template.perShopperLimit,
          remaining: Math.max(0, template.totalQuantity - stats.claimed),
        };
      }),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ coupons: offers.filter((offer) => offer.remaining > 0) }, 200);
  })
  .openapi(claim, async (c) => {
    const { templateId } = c.req.valid("param");
    const template = COUPON_ID.test(templateId) ? await findTemplate(c.env, templateId) : null;
    // A coupon that is only granted (a team's red packet), or only claimed through its
    // livestream (a store coupon, issue 15), cannot be claimed here: as good as missing.
    if (!template?.claimable || template.redeem !== "online") throw new AppError("not_found", `no coupon "${templateId}" to claim`);
    await requireAudience(c.env, template, c.get("shopperId"));
    const claimed = await claimCoupon(c, template, c.req.valid("header")["Idempotency-Key"]);
    return c.json({ coupon: presentCoupon(claimed.coupon, template, Date.now(), new Map()), replayed: claimed.replayed }, 201);
  })
  .openapi(wallet, async (c) => {
    const { sku } = c.req.valid("query");
    const shopperId = c.get("shopperId");
    const now = Date.now();
    const templates = await new CouponCatalog(c.env.SALES).list();
    const held = await Promise.all(
      templates.map(async (template) => (await couponPool(c.env, template.id).wallet(shopperId)).map((coupon) => ({ coupon, template }))),
    );
    const names = await storeNames(
      c.env,
      held.flat().some(({ coupon }) => coupon.stores !== null),
    );
    const all = held
      .flat()
      .map(({ coupon, template }) => presentCoupon(coupon, template, now, names))
      .sort((a, b) => b.claimedAt - a.claimedAt);
    c.header("Cache-Control", "no-store");
    return c.json(
      { coupons: sku ? all.filter((coupon) => coupon.usable && (coupon.skus.length === 0 || coupon.skus.includes(sku))) : all },
      200,
    );
  });

function termsOf(template: CouponTemplate) {
  const { title, description, type, amountOff, percentOff, maxDiscount, minSpend, skus, stackable, validFrom, validUntil } = template;
  return { title, description, type, amountOff, percentOff, maxDiscount, minSpend, skus, stackable, validFrom, validUntil };
}

/**
 * The names of the stores, for a wallet with store coupons (issue 15): from the store
 * directory (30 s in the isolate). Postgres unreachable, the wallet still answers, naming
 * stores by id.
 */
async function storeNames(env: Env, needed: boolean): Promise<ReadonlyMap<string, string>> {
  if (!needed) return new Map();
  try {
    return new Map((await activeStores(env)).map((store) => [store.id, store.name]));
  } catch (error) {
    console.error(`wallet: the store directory could not be read (${(error as Error).message})`);
    return new Map();
  }
}

/**
 * A coupon as its shopper sees it: its template's terms, its own amount (a team's share) and
 * state; a store coupon (issue 15) with its short code, its stores and where it was redeemed
 * (`names`: store names by id; a store missing from it shows as its id).
 */
export function presentCoupon(
  coupon: Coupon,
  template: CouponTemplate,
  now: number,
  names: ReadonlyMap<string, string>,
): z.output<typeof walletCouponSchema> {
  const store = (id: string) => ({ id, name: names.get(id) ?? id });
  const own = coupon.amountOff === null ? {} : { type: "amount_off" as const, amountOff: coupon.amountOff, percentOff: 0 };
  return {
    id: coupon.id,
    templateId: template.id,
    ...termsOf(template),
    ...own,
    validUntil: Math.min(coupon.validUntil, template.validUntil),
    status: coupon.status,
    // A store coupon (issue 15) is never offered at checkout: the pages pick coupons by `usable`.
    usable: template.redeem === "online" && usableAt(coupon, template, now),
    orderId: coupon.orderId,
    claimedAt: coupon.claimedAt,
    usedAt: coupon.usedAt,
    redeem: template.redeem,
    shortCode: coupon.shortCode === null ? null : formatShortCode(coupon.shortCode),
    livestreamId: coupon.livestreamId,
    stores: coupon.stores === null ? null : coupon.stores.map(store),
    redeemedAt: coupon.redeemedAt,
    redeemedStore: coupon.redeemedStoreId === null ? null : store(coupon.redeemedStoreId),
  };
}
