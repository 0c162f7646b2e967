import { z } from "@hono/zod-openapi";
import { AppError, unwrap } from "../../../src/errors.ts";
import { BUCKETS, DEFAULT_TIME_ZONE, MAX_BUCKETS } from "../../../src/store-coupons/buckets.ts";
import type { Figures } from "../../../src/store-coupons/figures.ts";
import type { LivestreamReport, StoreCouponReport, StoreReport } from "../../../src/store-coupons/report.ts";
import { livestreamReport, storeCouponReport, storeReport } from "../../../src/store-coupons/stats-report.ts";
import { DEFAULT_SPAN_MS, HOURLY_UP_TO_MS, statsWindow } from "../../../src/store-coupons/stats-window.ts";
import { STORE_ID } from "../../../src/stores/store.ts";
import { edgeClock } from "../api/sku-object.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { windowQueryFields } from "../contract/window-query.ts";
import { readDatabase } from "./read-database.ts";

/**
 * The store-coupon figures under /admin/api (issue 15): coupons claimed from livestreams,
 * redeemed at stores' tills, the redemption rate, and redemptions over time, per livestream and
 * per store, from Postgres `events` (src/store-coupons/). Thin: the window, the reads and the
 * arithmetic are src/store-coupons/'s.
 */

const READ_TIMEOUT_MS = 10_000;
const count = int.nonnegative();

const figuresShape = {
  claimed: count.describe("coupons claimed in the window (distinct coupons of `coupon_claimed` events with a livestream)"),
  redeemed: count.describe("coupons redeemed at a till in the window (distinct coupons of `coupon_redeemed` events with a store)"),
  redemptionRate: z
    .number()
    .nonnegative()
    .nullable()
    .describe("redeemed ÷ claimed (40 claimed, 9 redeemed: 0.225); null when nothing was claimed, never NaN"),
};
const figuresSchema = z.object(figuresShape).openapi("StoreCouponFigures");
export type FiguresSchemaMatchesCode = Holds<Describes<z.output<typeof figuresSchema>, Figures>>;

const windowSchema = z
  .object({
    from: epochMs,
    to: epochMs.describe("exclusive"),
    bucket: z.enum(BUCKETS),
    timeZone: z.string().describe("the IANA time zone whose hours or days the buckets are"),
  })
  .openapi("StoreCouponWindow");

const seriesSchema = z
  .array(z.object({ at: epochMs.describe("the bucket's start"), redeemed: count }))
  .describe("redemptions per bucket, every bucket of the window in order, empty ones 0");

const livestreamRow = z
  .object({
    livestreamId: z.string(),
    title: z.string().nullable().describe("from its configuration; null when that is gone"),
    ...figuresShape,
  })
  .openapi("StoreCouponLivestreamFigures");
const storeRow = z
  .object({
    storeId: z.string(),
    name: z.string().nullable(),
    ...figuresShape,
    claimed: count.describe(
      "coupons claimed from the livestreams that list this store (each could be redeemed here): a coupon of a livestream with three stores counts for each, so stores' claimed do not add up",
    ),
  })
  .openapi("StoreCouponStoreFigures");

const allSchema = z
  .object({
    window: windowSchema,
    totals: figuresSchema,
    livestreams: z.array(livestreamRow),
    stores: z.array(storeRow),
    series: seriesSchema,
  })
  .openapi("StoreCouponStats");
export type AllSchemaMatchesCode = Holds<Describes<z.output<typeof allSchema>, StoreCouponReport>>;

const livestreamSchema = z
  .object({
    window: windowSchema,
    livestream: z.object({ id: z.string(), title: z.string().nullable(), stores: z.array(z.string()).describe("the stores it lists now") }),
    figures: figuresSchema,
    stores: z.array(storeRow).describe("its stores (and any other it was redeemed in): its claims, and its redemptions there"),
    series: seriesSchema,
  })
  .openapi("LivestreamCouponStats");
export type LivestreamSchemaMatchesCode = Holds<Describes<z.output<typeof livestreamSchema>, LivestreamReport>>;

const storeSchema = z
  .object({
    window: windowSchema,
    store: z.object({ id: z.string(), name: z.string() }),
    figures: figuresSchema,
    livestreams: z
      .array(livestreamRow)
      .describe("the livestreams that list it (or were redeemed in it): their claims, and their redemptions here"),
    series: seriesSchema,
  })
  .openapi("StoreCouponStoreStats");
export type StoreSchemaMatchesCode = Holds<Describes<z.output<typeof storeSchema>, StoreReport>>;

const windowQuery = z.object({
  ...windowQueryFields,
  bucket: z
    .enum(BUCKETS)
    .optional()
    .openapi({ param: { description: `default: hour for a window of up to ${HOURLY_UP_TO_MS / 3_600_000} h, else day` } }),
  timeZone: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { description: `whose hours and days the buckets are; default ${DEFAULT_TIME_ZONE}` } }),
});

const LIVE = noStore("figures change with every claim and redemption");
const WINDOW_NOTE = `The window is [from, to), by default the ${DEFAULT_SPAN_MS / 86_400_000} days until now; at most ${MAX_BUCKETS} buckets (400 \`invalid_request\` beyond, or for an unknown time zone, or \`from\` not before \`to\`). Without Postgres, 503.`;

const allRoute = adminRoute({
  method: "get",
  path: "/store-coupons/stats",
  admits: "readSales",
  summary: "Store coupons: claimed, redeemed and redemption rate per livestream and per store, and redemptions over time",
  description: `Claims are \`coupon_claimed\` events carrying a livestream; redemptions \`coupon_redeemed\` events carrying a store (a till's, never an online checkout's). A store's claimed are the claims of the livestreams whose configuration lists it. ${WINDOW_NOTE}`,
  request: { query: windowQuery },
  responses: { 200: { description: "the figures", headers: LIVE, content: { "application/json": { schema: allSchema } } } },
  errors: ["invalid_request", "dependency_unavailable"],
});

const livestreamRoute = adminRoute({
  method: "get",
  path: "/livestreams/{id}/stats",
  admits: "readSales",
  summary: "One livestream's store coupons: claimed, redeemed, rate, per store, and redemptions over time",
  description: `404 when neither its configuration nor any event names it. ${WINDOW_NOTE}`,
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { description: "the livestream" } }),
    }),
    query: windowQuery,
  },
  responses: { 200: { description: "the figures", headers: LIVE, content: { "application/json": { schema: livestreamSchema } } } },
  errors: ["invalid_request", "not_found", "dependency_unavailable"],
});

const storeRoute = adminRoute({
  method: "get",
  path: "/stores/{id}/stats",
  admits: "readSales",
  summary: "One store's coupons: claimed from the livestreams that list it, redeemed here, rate, per livestream, and redemptions over time",
  description: `404 for a store that does not exist (a closed-down one still answers). ${WINDOW_NOTE}`,
  request: {
    params: z.object({
      id: z
        .string()
        .regex(STORE_ID)
        .openapi({ param: { description: "the store" } }),
    }),
    query: windowQuery,
  },
  responses: { 200: { description: "the figures", headers: LIVE, content: { "application/json": { schema: storeSchema } } } },
  errors: ["invalid_request", "not_found", "dependency_unavailable"],
});

const READ = { what: "the store-coupon figures", log: "store-coupon stats", timeoutMs: READ_TIMEOUT_MS };

export const adminStoreCouponStats = contractApp()
  .openapi(allRoute, async (c) => {
    const window = unwrap(statsWindow(c.req.valid("query"), edgeClock.now()));
    const report = await readDatabase(c.env, READ, (db) => storeCouponReport(db, c.env.SALES, window));
    c.header("Cache-Control", "no-store");
    return c.json(report, 200);
  })
  .openapi(livestreamRoute, async (c) => {
    const { id } = c.req.valid("param");
    const window = unwrap(statsWindow(c.req.valid("query"), edgeClock.now()));
    const report = await readDatabase(c.env, READ, (db) => livestreamReport(db, c.env.SALES, id, window));
    if (!report) throw new AppError("not_found", `no livestream ${id}: no configuration and no claim or redemption`);
    c.header("Cache-Control", "no-store");
    return c.json(report, 200);
  })
  .openapi(storeRoute, async (c) => {
    const { id } = c.req.valid("param");
    const window = unwrap(statsWindow(c.req.valid("query"), edgeClock.now()));
    const report = await readDatabase(c.env, READ, (db) => storeReport(db, c.env.SALES, id, window));
    if (!report) throw new AppError("not_found", `no store ${id}`);
    c.header("Cache-Control", "no-store");
    return c.json(report, 200);
  });
