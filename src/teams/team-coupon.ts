import { COUPON_LIMITS, type CouponTemplate } from "../coupons/coupon-template.ts";
import { SALE_LIMITS } from "../sales/sale-config.ts";
import type { TeamCampaign } from "./team-campaign.ts";

const DAY_MS = 86_400_000;

/** The coupon template a campaign's coupons are granted from: `team-<campaign id>` (at most 40 characters, COUPON_ID). */
export const teamCouponId = (campaignId: string) => `team-${campaignId}`;

/**
 * The coupon template a team campaign grants its shares from (issue 14), saved with the
 * campaign: the wallet lists coupons of every template in the coupon catalog, and checkout
 * reads a coupon's terms from its template (`cpn_<template>_<random>`), so each granted share
 * needs one. Granted only (`claimable: false`), `amount_off` with each coupon carrying its own
 * amount (`amountOff` 1 is the template's placeholder), alone on an order.
 *
 * It stays usable until the last coupon a team could be granted runs out: a team started just
 * before `endsAt` may complete `completeWithinSeconds` later, and its coupons then run for
 * `couponValidDays` from there (each coupon's own `validUntil` is the tighter bound).
 * `previous`: the template saved before, whose version this one follows (a marketer may have
 * edited it through the coupon routes meanwhile).
 */
export function teamCouponTemplate(campaign: TeamCampaign, previous: CouponTemplate | null): CouponTemplate {
  const lastGrantUntil = campaign.endsAt + campaign.completeWithinSeconds * 1000 + campaign.couponValidDays * DAY_MS;
  return {
    id: teamCouponId(campaign.id),
    title: campaign.title.slice(0, 80),
    description: `组队瓜分红包 · team-up red packet share (${campaign.id})`,
    type: "amount_off",
    amountOff: 1,
    percentOff: 0,
    maxDiscount: 0,
    minSpend: campaign.couponMinSpend,
    skus: [...campaign.appliesTo.skus],
    validFrom: campaign.startsAt,
    validUntil: Math.min(lastGrantUntil, SALE_LIMITS.maxEpochMs),
    perShopperLimit: 1,
    totalQuantity: COUPON_LIMITS.maxQuantity,
    stackable: false,
    paused: false,
    claimable: false,
    redeem: "online",
    segments: [],
    version: (previous?.version ?? 0) + 1,
    updatedAt: campaign.updatedAt,
    updatedBy: campaign.updatedBy,
  };
}
