import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { PromData, PromHistogramData, PromMetrics } from "prom2javascript";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { METRICS_HUB_NAME } from "../../durable-objects/metrics-hub/index.ts";
import { METRICS } from "../../src/metrics/catalogue.ts";
import type { DashboardSummary } from "../../src/metrics/dashboard-summary.ts";
import { histogramQuantile } from "../../src/metrics/histogram-quantile.ts";
import { FLUSH_INTERVAL_MS } from "../../src/metrics/isolate-buffer.ts";
import { MetricSet } from "../../src/metrics/metric-set.ts";
import { UNMATCHED_ROUTE } from "../../src/metrics/route-label.ts";
import { LOCAL_PAYMENT_METHODS } from "../../src/payments/local-provider.ts";
import { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import { refusals } from "../../workers/storefront/api/edge-verdict.ts";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import worker from "../../workers/storefront/index.ts";
import { flushMetrics, isolateMetrics, metricsClock } from "../../workers/storefront/metrics/recorder.ts";
import { bucketsOf, parseExposition } from "../support/prometheus-text.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { placeOrder, seedSale, Shopper, type ApiOrder } from "./support.ts";

/**
 * Monitoring in workerd (issue 13): requests recorded by route pattern at the edge, batches
 * reaching the metrics hub (one Durable Object), and `GET /metrics` read back by a real
 * Prometheus text parser. Counts are compared before and after, as the hub is shared by the
 * file's tests; batches are sent by calling the flush, never by waiting.
 */

const hub = () => env.METRICS_HUB.getByName(METRICS_HUB_NAME);

beforeEach(async () => {
  metricsClock.hold();
  await flushMetrics(env, undefined, true); // what earlier tests left in the buffer
});
afterEach(() => {
  metricsClock.release();
  edgeClock.release();
  vi.restoreAllMocks();
});

async function scrape(token: string | null = TEST_SECRETS.METRICS_TOKEN, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("https://shop.test/metrics", { headers: token === null ? {} : { Authorization: `Bearer ${token}` } }),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** `/metrics`, parsed, after this isolate's batch went to the hub. */
async function scraped(): Promise<PromMetrics> {
  const response = await scrape();
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

function counter(metrics: PromMetrics, name: string, labels: Record<string, string> = {}): number {
  const series = (metrics[name]?.data ?? []) as PromData[];
  return series.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;
}

function latencySeries(metrics: PromMetrics): PromHistogramData[] {
  return (metrics[METRICS.requestDuration.name]?.data ?? []) as PromHistogramData[];
}

function latencyCount(metrics: PromMetrics, method: string, route: string): number {
  return latencySeries(metrics).find((s) => s.labels.method === method && s.labels.route === route)?.count ?? 0;
}

describe("GET /metrics: closed without its bearer token", () => {
  it("is 401 in the one error shape without a token, with a wrong one, and while METRICS_TOKEN is not set", async () => {
    for (const [token, overrides] of [
      [null, {}],
      ["wrong-token", {}],
      [TEST_SECRETS.ADMIN_TOKEN, {}],
      [TEST_SECRETS.METRICS_TOKEN, { METRICS_TOKEN: "" }],
    ] as const) {
      const response = await scrape(token, overrides);
      expect(response.status, String(token)).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect(await response.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
  });

  it("serves the text exposition 0.0.4 with the token, uncached, every metric with HELP and TYPE", async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const families = await parseExposition(await response.text());
    for (const metric of Object.values(METRICS)) expect(families[metric.name]?.type, metric.name).toBe(metric.type);
  });
});

describe("recording at the edge", () => {
  it("counts requests by route pattern and checkouts by outcome: created, replayed, refused; orders created", async () => {
    const before = await scraped();
    const sale = await seedSale({ perShopperLimit: 1 });
    const shopper = await Shopper.create();
    const key = crypto.randomUUID();
    expect((await shopper.checkout(sale.sku, 1, key)).status).toBe(201);
    expect((await shopper.checkout(sale.sku, 1, key)).status).toBe(201); // the same key: its order again
    expect((await shopper.checkout(sale.sku, 1)).status).toBe(409); // over the limit
    expect((await shopper.request(`/sales/${sale.sku}`)).status).toBe(200);
    const after = await scraped();

    const outcomes = METRICS.checkoutOutcomes.name;
    expect(counter(after, outcomes, { outcome: "created" }) - counter(before, outcomes, { outcome: "created" })).toBe(1);
    expect(counter(after, outcomes, { outcome: "replayed" }) - counter(before, outcomes, { outcome: "replayed" })).toBe(1);
    expect(counter(after, outcomes, { outcome: "limit_exceeded" }) - counter(before, outcomes, { outcome: "limit_exceeded" })).toBe(1);
    expect(counter(after, METRICS.ordersCreated.name) - counter(before, METRICS.ordersCreated.name)).toBe(1);
    expect(latencyCount(after, "POST", "/api/checkout") - latencyCount(before, "POST", "/api/checkout")).toBe(3);
    expect(latencyCount(after, "POST", "/api/session") - latencyCount(before, "POST", "/api/session")).toBe(1);
    expect(latencyCount(after, "GET", "/sales/:sku") - latencyCount(before, "GET", "/sales/:sku")).toBe(1);
    // Never a raw path: no label names the SKU.
    expect(latencySeries(after).filter((s) => s.labels.route?.includes(sale.sku))).toEqual([]);
    // Units left per SKU, read from the objects at scrape time.
    expect(counter(after, METRICS.stock.name, { sku: sale.sku })).toBe(sale.stock - 1);
  });

  it("counts the Tries the refusal door answers before the router, as sold_out", async () => {
    edgeClock.hold();
    const sale = await seedSale({ stock: 1, tiers: [], perShopperLimit: 1 });
    expect((await (await Shopper.create()).checkout(sale.sku, 1)).status).toBe(201);
    const late = await Shopper.create();
    expect((await late.checkout(sale.sku, 1)).status).toBe(409); // from the object: now remembered
    const before = await scraped();
    const decide = vi.spyOn(refusals, "decide");
    const tries = vi.spyOn(SkuSale.prototype, "tryCheckout");
    const answers = await Promise.all(Array.from({ length: 20 }, () => late.checkout(sale.sku, 1)));
    expect(answers.map((a) => a.status)).toEqual(new Array(20).fill(409));
    expect(decide).not.toHaveBeenCalled(); // the door answered them all
    expect(tries).not.toHaveBeenCalled();
    const after = await scraped();
    const soldOut = { outcome: "sold_out" };
    expect(counter(after, METRICS.checkoutOutcomes.name, soldOut) - counter(before, METRICS.checkoutOutcomes.name, soldOut)).toBe(20);
    expect(latencyCount(after, "POST", "/api/checkout") - latencyCount(before, "POST", "/api/checkout")).toBe(20);
  });

  it("counts a declined and an unavailable payment failed, a paid one succeeded, and neither a cancellation nor paying a paid order", async () => {
    const before = await scraped();
    const { shopper, order } = await placeOrder();
    const pay = (method: string) => shopper.post(`/api/orders/${order.id}/pay`, { paymentMethod: method });
    expect((await pay(LOCAL_PAYMENT_METHODS.decline)).status).toBe(402);
    expect((await pay(LOCAL_PAYMENT_METHODS.unavailable)).status).toBe(503);
    expect((await pay(LOCAL_PAYMENT_METHODS.approve)).status).toBe(200);
    expect((await pay(LOCAL_PAYMENT_METHODS.approve)).status).toBe(200); // already paid: no charge
    const other = await shopper.checkout(order.sku, 1);
    const { order: held } = await other.json<{ order: ApiOrder }>();
    expect((await shopper.post(`/api/orders/${held.id}/cancel`, {})).status).toBe(200);
    const after = await scraped();
    const delta = (outcome: string) =>
      counter(after, METRICS.payments.name, { outcome }) - counter(before, METRICS.payments.name, { outcome });
    expect(delta("failed")).toBe(2);
    expect(delta("succeeded")).toBe(1);
  });

  it("keeps one label for a flood of distinct unknown paths", async () => {
    const before = await scraped();
    const series = latencySeries(before).length;
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        worker.fetch(new Request(`https://shop.test/${i % 2 ? "api/" : ""}nope-${crypto.randomUUID()}`), env, createExecutionContext()),
      ),
    );
    const after = await scraped();
    const unmatched = (m: PromMetrics) => latencySeries(m).filter((s) => s.labels.route === UNMATCHED_ROUTE);
    expect(unmatched(after).reduce((n, s) => n + s.count, 0) - unmatched(before).reduce((n, s) => n + s.count, 0)).toBe(300);
    expect(latencySeries(after).filter((s) => s.labels.route?.includes("nope"))).toEqual([]);
    expect(latencySeries(after).length - series).toBeLessThanOrEqual(1); // GET unmatched, at most once new
  });
});

describe("batches to the metrics hub", () => {
  it("sends at most one batch per isolate per 5 s, after the answer, never a write per request", async () => {
    const totalsBefore = await hub().readTotals();
    const record = vi.spyOn(env.METRICS_HUB, "getByName");
    const get = async () => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request("https://shop.test/api/time"), env, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    for (let i = 0; i < 10; i++) expect((await get()).status).toBe(200);
    expect(record).not.toHaveBeenCalled(); // the clock stands still: nothing due
    metricsClock.advance(FLUSH_INTERVAL_MS);
    expect((await get()).status).toBe(200);
    expect(record).toHaveBeenCalledTimes(1);
    expect((await get()).status).toBe(200);
    expect(record).toHaveBeenCalledTimes(1); // a new window opened with that request
    record.mockRestore();
    const counted = (totals: Awaited<ReturnType<ReturnType<typeof hub>["readTotals"]>>) =>
      totals.histograms.find((h) => h.labels[1] === "/api/time")?.counts.reduce((a, b) => a + b, 0) ?? 0;
    expect(counted(await hub().readTotals()) - counted(totalsBefore)).toBe(11);
  });

  it("drops a batch the hub does not take, with a log line, and never fails the request", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const broken = {
      getByName: () => ({ record: () => Promise.reject(new Error("hub unreachable")) }),
    } as unknown as Env["METRICS_HUB"];
    isolateMetrics.metrics.add(METRICS.ordersCreated);
    metricsClock.advance(FLUSH_INTERVAL_MS);
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request("https://shop.test/api/time"), { ...env, METRICS_HUB: broken }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/^metrics: a batch was dropped.*hub unreachable/));
    expect(isolateMetrics.take()).toBeNull(); // dropped, not kept to grow
  });

  it("gives the issue's p99 = 0.5 s and p95 = 0.3889 s through the hub, /metrics and a real parser", async () => {
    const example = new MetricSet();
    const labels = { method: "GET", route: "issue-13-example" };
    for (const [seconds, times] of [
      [0.075, 50],
      [0.2, 40],
      [0.4, 9],
      [0.8, 1],
    ] as const) {
      for (let i = 0; i < times; i++) example.observe(METRICS.requestDuration, labels, seconds);
    }
    await hub().record(example.snapshot());
    const series = latencySeries(await scraped()).find((s) => s.labels.route === "issue-13-example")!;
    const buckets = bucketsOf(series);
    expect(buckets.filter((b) => [0.1, 0.25, 0.5, 1, Number.POSITIVE_INFINITY].includes(b.le))).toEqual([
      { le: 0.1, count: 50 },
      { le: 0.25, count: 90 },
      { le: 0.5, count: 99 },
      { le: 1, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ]);
    expect(series.count).toBe(100);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.5, 10);
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.3889, 4);
  });
});

describe("GET /admin/api/metrics/summary: the dashboard's figures", () => {
  it("answers an hour of 10 s slots, stock per SKU and the thresholds' verdicts, a breach among them", async () => {
    const sale = await seedSale();
    const failing = new MetricSet();
    failing.add(METRICS.payments, { outcome: "succeeded" }, 1990);
    failing.add(METRICS.payments, { outcome: "failed" }, 10);
    await hub().record(failing.snapshot());
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://shop.test/admin/api/metrics/summary", { headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` } }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const summary = await response.json<DashboardSummary>();
    expect(summary.series.at).toHaveLength(360);
    expect(summary.slotSeconds).toBe(10);
    expect(summary.thresholds).toEqual({ p99LatencySeconds: 0.5, paymentSuccessRate: 0.995, couponRedemptionRate: 0.4 });
    expect(summary.verdicts.paymentSuccess.state).toBe("breached");
    expect(summary.verdicts.paymentSuccess.value).toBeLessThanOrEqual(0.995);
    expect(summary.verdicts.couponRedemption.state).toBe("no_data");
    expect(summary.series.paymentSuccessRate.at(-1)).not.toBeNull();
    expect(summary.stockNow[sale.sku]).toBe(sale.stock);
    expect(summary.series.stock[sale.sku]?.at(-1)).toBe(sale.stock);
  });
});
