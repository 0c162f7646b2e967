/**
 * What recording one request costs an isolate (issue 13), in Node on this machine's V8, as a
 * micro-benchmark: the work `recordRequest` adds to a request (a route label from the matched
 * routes, a histogram observation, for a checkout two counters), and what an isolate does
 * once per 5 s (a batch taken as a snapshot, and the hub's merge of it). Not a load test:
 * `npm run bench` measures the storefront end to end.
 *
 *   npm run bench:metrics [-- --requests 1000000]
 */
import { parseArgs } from "node:util";
import { METRICS } from "../src/metrics/catalogue.ts";
import { MetricsBuffer } from "../src/metrics/isolate-buffer.ts";
import { MetricSet } from "../src/metrics/metric-set.ts";
import { methodLabel, routeLabel } from "../src/metrics/route-label.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "1000000" } } });
const requests = Number(values.requests);

const ROUTES = [
  [
    { method: "ALL", path: "/*" },
    { method: "ALL", path: "/api/checkout" },
    { method: "POST", path: "/api/checkout" },
  ],
  [
    { method: "ALL", path: "/*" },
    { method: "GET", path: "/sales/:sku" },
  ],
  [
    { method: "ALL", path: "/*" },
    { method: "ALL", path: "/api/orders/:id/pay" },
    { method: "POST", path: "/api/orders/:id/pay" },
  ],
  [{ method: "ALL", path: "/*" }],
];
const OUTCOMES = ["created", "sold_out", "limit_exceeded"];

function recordAll(buffer: MetricsBuffer, n: number): void {
  for (let i = 0; i < n; i++) {
    const matched = ROUTES[i % ROUTES.length]!;
    const route = routeLabel(matched);
    const method = methodLabel(i % 2 ? "POST" : "GET");
    const metrics = buffer.metrics;
    metrics.observe(METRICS.requestDuration, { method, route }, (i % 700) / 1000);
    if (route === "/api/checkout") {
      const outcome = OUTCOMES[i % OUTCOMES.length]!;
      metrics.add(METRICS.checkoutOutcomes, { outcome });
      if (outcome === "created") metrics.add(METRICS.ordersCreated);
    }
  }
}

let now = 0;
const buffer = new MetricsBuffer(() => now);
recordAll(buffer, 50_000); // warm up
buffer.take();

const started = process.hrtime.bigint();
recordAll(buffer, requests);
const recordNs = Number(process.hrtime.bigint() - started) / requests;

now = 5_000;
const takeStarted = process.hrtime.bigint();
const batch = buffer.takeIfDue()!;
const takeUs = Number(process.hrtime.bigint() - takeStarted) / 1000;
const bytes = JSON.stringify(batch).length;

const totals = new MetricSet();
const mergeStarted = process.hrtime.bigint();
for (let i = 0; i < 1000; i++) totals.merge(batch);
const mergeUs = Number(process.hrtime.bigint() - mergeStarted) / 1000 / 1000;

console.log(
  JSON.stringify(
    {
      node: process.version,
      requests,
      recordNsPerRequest: Math.round(recordNs),
      batchSeries: batch.counters.length + batch.histograms.length,
      batchJsonBytes: bytes,
      takeBatchUs: Math.round(takeUs * 10) / 10,
      hubMergeUsPerBatch: Math.round(mergeUs * 10) / 10,
    },
    null,
    2,
  ),
);
