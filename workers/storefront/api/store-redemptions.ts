import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type Coupon, redeemCoupon, templateOfCouponId } from "../../../src/coupons/coupon.ts";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import { COUPON_TYPES, type CouponTemplate } from "../../../src/coupons/coupon-template.ts";
import { formatShortCode, parseShortCode } from "../../../src/coupons/short-code.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { isOpenAt, nextOpening } from "../../../src/stores/opening-hours.ts";
import type { Store } from "../../../src/stores/store.ts";
import type { AppEnv } from "../app-env.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { couponPool, findTemplate } from "./coupon-holds.ts";
import { emitAfterAnswer } from "./event-queue.ts";
import { requestDevice } from "./request-device.ts";
import { storeStaff } from "./store-staff.ts";
import { activeStores } from "./store-directory.ts";
import { idempotencyKeyHeader, shopperWrite } from "./validation.ts";

/**
 * Redemption at a store's till (issue 15), behind the store's staff token (./store-staff.ts).
 * The till reads the coupon's QR code (its id, `cpn_<template>_<random>`, which names its
 * pool) or has its short code typed (`XXXX-XXXX-C`, checked by its check symbol before any
 * lookup). The CouponPool redeems in one turn (src/coupons/coupon.ts redeemCoupon), so two
 * tills scanning one code at the same moment get one 201 and one `already_redeemed`, with
 * when and where. Any refusal redeems nothing.
 */

const termsSchema = {
  title: z.string(),
  description: z.string(),
  type: z.enum(COUPON_TYPES),
  amountOff: minorUnits,
  percentOff: int,
  maxDiscount: minorUnits,
  minSpend: minorUnits,
};

const refusalSchema = z.object({ code: z.string(), message: z.string() }).openapi("RedemptionRefusal");

const tillCouponSchema = z
  .object({
    id: z.string(),
    templateId: z.string(),
    ...termsSchema,
    shortCode: z.string().nullable().describe("`XXXX-XXXX-C`"),
    status: z.enum(["available", "held", "used"]),
    validUntil: epochMs,
    stores: z.array(z.string()).nullable().describe("where it is redeemable"),
    livestreamId: z.string().nullable(),
    redeemable: z.boolean().describe("this store may redeem it now"),
    refusal: refusalSchema.nullable().describe("why not, as POST /redemptions would answer"),
    redeemedAt: epochMs.nullable(),
    redeemedStoreId: z.string().nullable(),
    shopperHint: z.string().describe("the shopper's id, masked: enough to tell two shoppers apart, not to name one"),
  })
  .openapi("TillCoupon");

const redemptionSchema = z
  .object({
    couponId: z.string(),
    templateId: z.string(),
    storeId: z.string(),
    storeName: z.string(),
    redeemedAt: epochMs,
    shortCode: z.string().nullable(),
    livestreamId: z.string().nullable(),
    ...termsSchema,
  })
  .openapi("Redemption");

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const storeParam = z
  .string()
  .max(64)
  .openapi({ param: { description: "the store's id (the staff token's)" } });

const readRoute = contractRoute({
  method: "get",
  path: "/stores/{storeId}/coupons/{code}",
  tags: ["store redemption"],
  summary: "What a scanned or typed coupon gives, and whether this store may redeem it now",
  description:
    "`code`: a coupon id (the QR code) or a short code (dashes, case and spaces do not matter; O reads as 0, I and L as 1). A short code whose check symbol does not match is 400 `invalid_code` before anything is looked up.",
  middleware: [storeStaff],
  request: {
    params: z.object({
      storeId: storeParam,
      code: z
        .string()
        .max(128)
        .openapi({ param: { description: "coupon id or short code" } }),
    }),
  },
  responses: { 200: { description: "the coupon", content: json(z.object({ coupon: tillCouponSchema })) } },
  errors: ["invalid_code", "not_found"],
});

const redeemRoute = contractRoute({
  method: "post",
  path: "/stores/{storeId}/redemptions",
  tags: ["store redemption"],
  summary: "Redeem a store coupon at this store's till, exactly once",
  description:
    "The coupon's pool decides in one turn: of two tills redeeming one code at the same moment, one gets 201 and the other 409 `already_redeemed` (`redeemedAt`, `storeId`, `storeName`). Retrying with the same Idempotency-Key answers the same redemption (`replayed: true`). Any refusal redeems nothing.",
  middleware: [shopperWrite, storeStaff],
  request: {
    params: z.object({ storeId: storeParam }),
    headers: idempotencyKeyHeader,
    body: { required: true, content: json(z.object({ code: z.string().max(128).describe("coupon id or short code") }).strict()) },
  },
  responses: {
    201: {
      description: "redeemed (or the redemption this key made)",
      content: json(z.object({ redemption: redemptionSchema, replayed: z.boolean() }).openapi("RedemptionMade")),
    },
  },
  errors: [
    "invalid_code",
    "not_found",
    "already_redeemed",
    "not_redeemable_here",
    "store_closed",
    "coupon_expired",
    "coupon_not_applicable",
    "coupon_in_use",
    "coupon_used",
    "idempotency_conflict",
  ],
});

export const storeRedemptions = contractApp()
  .openapi(readRoute, async (c) => {
    const store = c.get("staffStore");
    const { coupon, template } = await resolve(c, c.req.valid("param").code);
    const now = Date.now();
    const { open } = openingAt(store, now);
    const verdict = redeemCoupon(coupon, template, { storeId: store.id, now, storeOpen: open || !store.redeemOnlyWhenOpen });
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        coupon: {
          id: coupon.id,
          templateId: template.id,
          ...termsOf(template),
          shortCode: coupon.shortCode === null ? null : formatShortCode(coupon.shortCode),
          status: coupon.status,
          validUntil: Math.min(coupon.validUntil, template.validUntil),
          stores: coupon.stores,
          livestreamId: coupon.livestreamId,
          redeemable: verdict.ok,
          refusal: verdict.ok ? null : { code: verdict.error.code, message: verdict.error.message },
          redeemedAt: coupon.redeemedAt,
          redeemedStoreId: coupon.redeemedStoreId,
          shopperHint: maskShopper(coupon.shopperId),
        },
      },
      200,
    );
  })
  .openapi(redeemRoute, async (c) => {
    const store = c.get("staffStore");
    const { coupon, template } = await resolve(c, c.req.valid("json").code);
    const opening = openingAt(store, Date.now());
    const answer = await couponPool(c.env, template.id).redeem(template, coupon.id, {
      storeId: store.id,
      idempotencyKey: c.req.valid("header")["Idempotency-Key"],
      storeOpen: opening.open || !store.redeemOnlyWhenOpen,
    });
    if (!answer.ok) throw await explained(c.env, answer.error, opening.opensAt);
    const redeemed = answer.value.coupon;
    const redeemedAt = redeemed.redeemedAt ?? Date.now();
    if (!answer.value.replayed) {
      emitAfterAnswer(c, {
        id: `${redeemed.id}:redeemed`,
        type: "coupon_redeemed",
        shopperId: redeemed.shopperId,
        at: redeemedAt,
        device: requestDevice(c),
        couponId: redeemed.id,
        storeId: store.id,
        templateId: template.id,
        ...(redeemed.livestreamId ? { livestreamId: redeemed.livestreamId } : {}),
      });
    }
    return c.json(
      {
        redemption: {
          couponId: redeemed.id,
          templateId: template.id,
          storeId: store.id,
          storeName: store.name,
          redeemedAt,
          shortCode: redeemed.shortCode === null ? null : formatShortCode(redeemed.shortCode),
          livestreamId: redeemed.livestreamId,
          ...termsOf(template),
        },
        replayed: answer.value.replayed,
      },
      201,
    );
  });

function termsOf(template: CouponTemplate) {
  const { title, description, type, amountOff, percentOff, maxDiscount, minSpend } = template;
  return { title, description, type, amountOff, percentOff, maxDiscount, minSpend };
}

/**
 * The store coupon a till's code names. A coupon id names its template, so its pool; a short
 * code is unique within its pool, so the pools of the in_store templates are asked (a shop has
 * tens of them, not thousands), preferring one valid in this store should two pools share a
 * code (one chance in 2^40 per pair). An online coupon is not a till's: as good as missing.
 */
async function resolve(c: Context<AppEnv>, code: string): Promise<{ coupon: Coupon; template: CouponTemplate }> {
  const text = code.trim();
  if (text.toLowerCase().startsWith("cpn_")) {
    const templateId = templateOfCouponId(text);
    if (!templateId) throw new AppError("invalid_code", "this is not a coupon's QR code");
    const template = await findTemplate(c.env, templateId);
    const coupon = template?.redeem === "in_store" ? await couponPool(c.env, template.id).findById(text) : null;
    if (!template || !coupon) throw new AppError("not_found", "no store coupon has this code");
    return { coupon, template };
  }
  const shortCode = unwrap(parseShortCode(text));
  const templates = (await new CouponCatalog(c.env.SALES).list()).filter((t) => t.redeem === "in_store");
  const found = await Promise.all(
    templates.map(async (template): Promise<{ coupon: Coupon; template: CouponTemplate } | null> => {
      const coupon: Coupon | null = await couponPool(c.env, template.id).findByCode(shortCode);
      return coupon ? { coupon, template } : null;
    }),
  );
  const matches = found.filter((f) => f !== null);
  const storeId = c.get("staffStore").id;
  const match = matches.find((m) => m.coupon.stores?.includes(storeId)) ?? matches[0];
  if (!match) throw new AppError("not_found", "no store coupon has this code");
  return match;
}

/** A pool's refusal as the till reads it: where an earlier redemption happened, by name; when a closed store opens. */
async function explained(
  env: Env,
  failure: { code: AppError["code"]; message: string; details?: AppError["details"] },
  opensAt: number | null,
) {
  const details = { ...failure.details };
  if (failure.code === "already_redeemed" && typeof details.storeId === "string") {
    const stores = await activeStores(env).catch(() => [] as Store[]);
    details.storeName = stores.find((s) => s.id === details.storeId)?.name ?? details.storeId;
  }
  if (failure.code === "store_closed" && opensAt !== null) details.opensAt = opensAt;
  return new AppError(failure.code, failure.message, details);
}

/** `shp_…k3z9`: the last four symbols of the shopper's id. */
function maskShopper(shopperId: string): string {
  return `shp_…${shopperId.slice(-4)}`;
}

/** Whether the store is open at `now` by its hours in its own time zone, and when it next opens (src/stores/opening-hours.ts). */
function openingAt(store: Store, now: number): { open: boolean; opensAt: number | null } {
  return { open: isOpenAt(store, now), opensAt: nextOpening(store, now) };
}
