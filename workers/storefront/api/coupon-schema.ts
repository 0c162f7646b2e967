import { z } from "@hono/zod-openapi";
import { COUPON_LIMITS } from "../../../src/coupons/limits.ts";

/** Coupons named by a checkout or an order: ids of the shopper's own coupons. */
export const couponIdsSchema = z
  .array(z.string().min(1).max(96))
  .max(COUPON_LIMITS.maxPerOrder, `at most ${COUPON_LIMITS.maxPerOrder} coupons per order`)
  .describe("the shopper's coupon ids (`cpn_<template>_<random>`): one, or up to 3 when every one is stackable; none: no coupon");
