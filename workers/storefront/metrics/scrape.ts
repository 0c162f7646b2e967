import { z } from "@hono/zod-openapi";
import { METRICS } from "../../../src/metrics/catalogue.ts";
import { EXPOSITION_CONTENT_TYPE, writeExposition } from "../../../src/metrics/exposition.ts";
import { MetricSet } from "../../../src/metrics/metric-set.ts";
import { METRICS_HUB_NAME } from "../../../durable-objects/metrics-hub/index.ts";
import { AppError } from "../../../src/errors.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { metricsAuth } from "./metrics-auth.ts";
import { flushMetrics } from "./recorder.ts";
import { readStock } from "./stock-readings.ts";

const scrapeRoute = contractRoute({
  method: "get",
  path: "/",
  tags: ["meta"],
  summary: "Metrics for Prometheus (text exposition format 0.0.4)",
  description:
    "The storefront's cumulative counters and latency histograms from the metrics hub, and units left per SKU read from the SKU objects now. " +
    "Scrape with `Authorization: Bearer <METRICS_TOKEN>`; closed (401) unless METRICS_TOKEN is set. " +
    `Metrics: ${Object.values(METRICS)
      .map((m) => `\`${m.name}\` (${m.type})`)
      .join(", ")}.`,
  middleware: [metricsAuth],
  responses: {
    200: {
      description: "the exposition",
      headers: noStore("counts as they are now"),
      content: { [EXPOSITION_CONTENT_TYPE]: { schema: z.string().describe("Prometheus text exposition format 0.0.4") } },
    },
  },
  errors: ["dependency_unavailable"],
});

/**
 * `GET /metrics` (issue 13): this isolate's own batch is sent first (so a scrape sees what it
 * has just counted), then the hub's totals are read, with stock from the SKU objects, and
 * written as the Prometheus text exposition. The stock readings are noted in the hub too, for
 * the dashboard's chart, after the answer.
 */
export const scrape = contractApp().openapi(scrapeRoute, async (c) => {
  await flushMetrics(c.env, undefined, true);
  const hub = c.env.METRICS_HUB.getByName(METRICS_HUB_NAME);
  const [totals, stock] = await Promise.all([
    hub.readTotals().catch((error: Error) => {
      throw new AppError("dependency_unavailable", `the metrics hub did not answer: ${error.message}`);
    }),
    readStock(c.env),
  ]);
  const set = MetricSet.from(totals);
  for (const [sku, units] of Object.entries(stock)) set.set(METRICS.stock, { sku }, units);
  c.executionCtx.waitUntil(hub.noteStock(stock).catch(() => undefined));
  return c.text(writeExposition(set.snapshot()), 200, { "Content-Type": EXPOSITION_CONTENT_TYPE, "Cache-Control": "no-store" });
});
