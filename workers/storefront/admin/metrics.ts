import { z } from "@hono/zod-openapi";
import { METRICS_HUB_NAME } from "../../../durable-objects/metrics-hub/index.ts";
import { AppError } from "../../../src/errors.ts";
import { runningTotals, summarise, type DashboardSummary } from "../../../src/metrics/dashboard-summary.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { LIVE_NUMBERS } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { flushMetrics } from "../metrics/recorder.ts";
import { readStock } from "../metrics/stock-readings.ts";

const verdictSchema = z
  .object({
    state: z.enum(["ok", "breached", "no_data"]).describe("breached: at or past the limit; no_data: nothing to judge yet"),
    value: z.number().nullable().describe("the figure judged (seconds, or a rate 0..1); null without data"),
    limit: z.number(),
  })
  .openapi("MetricVerdict");

const perSlot = (what: string) => z.array(z.number().nullable()).describe(`${what}, one per slot; null where a slot has no data`);

const summarySchema = z
  .object({
    generatedAt: epochMs,
    slotSeconds: int.describe("each point of a series covers this many seconds"),
    thresholds: z.object({ p99LatencySeconds: z.number(), paymentSuccessRate: z.number(), couponRedemptionRate: z.number() }),
    verdicts: z
      .object({ p99Latency: verdictSchema, paymentSuccess: verdictSchema, couponRedemption: verdictSchema })
      .describe("p99 latency and payment success over the last 5 minutes; coupon redemption over all coupons counted"),
    series: z.object({
      at: z.array(epochMs).describe("each slot's start, the last hour, oldest first"),
      p99LatencySeconds: perSlot("p99 request latency (histogram_quantile over every route)"),
      ordersPerSecond: z.array(z.number()),
      paymentSuccessRate: perSlot("succeeded / (succeeded + failed)"),
      couponRedemptionRate: perSlot("redeemed / claimed"),
      checkoutsPerSecond: z.record(z.string(), z.array(z.number())).describe("by outcome: created, replayed or the error code"),
      stock: z.record(z.string(), perSlot("units left")).describe("by SKU, where read (by a scrape or this summary)"),
    }),
    stockNow: z.record(z.string(), int).describe("units left per SKU of every sale not yet ended, read now"),
    totals: z.object({
      orders: int,
      payments: z.object({ succeeded: int, failed: int }),
      coupons: z.object({ claimed: int, redeemed: int }),
      checkouts: z.record(z.string(), int),
    }),
  })
  .openapi("MetricsSummary");

export type MetricsSummarySchemaMatchesCode = Holds<Describes<z.output<typeof summarySchema>, DashboardSummary>>;

const summaryRoute = adminRoute({
  method: "get",
  path: "/metrics/summary",
  admits: "readMetrics",
  tags: ["metrics"],
  summary: "The live dashboard's figures: the last hour in 10 s slots and the thresholds' verdicts",
  description:
    "What /admin/dashboard charts (every 5 s): p99 latency, checkouts by outcome, orders/s, payment success rate, coupon redemption rate and units left per SKU, from the metrics hub; stock read from the SKU objects now. Thresholds: p99 < 0.5 s, payment success > 99.5 %, coupon redemption > 40 %, each breached at its limit.",
  responses: {
    200: { description: "the summary", headers: LIVE_NUMBERS, content: { "application/json": { schema: summarySchema } } },
  },
  errors: ["dependency_unavailable"],
});

/** The dashboard's route (issue 13). This isolate's own batch goes first, so its figures are in. */
export const adminMetrics = contractApp().openapi(summaryRoute, async (c) => {
  await flushMetrics(c.env, undefined, true);
  const hub = c.env.METRICS_HUB.getByName(METRICS_HUB_NAME);
  const stock = await readStock(c.env);
  const reading = await hub
    .noteStock(stock)
    .then(() => hub.read())
    .catch((error: Error) => {
      throw new AppError("dependency_unavailable", `the metrics hub did not answer: ${error.message}`);
    });
  c.header("Cache-Control", "no-store");
  return c.json(summarise(reading.slots, runningTotals(reading.totals), stock, reading.now), 200);
});
