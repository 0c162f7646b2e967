/**
 * Every metric the storefront records (issue 13, "Monitoring"): its Prometheus name, type,
 * help text and label names, in one table. The recorder, the Durable Object that keeps the
 * totals, `GET /metrics` and the dashboard all name metrics from here, so a name cannot drift
 * between what is written and what is read.
 */
export type MetricType = "counter" | "histogram" | "gauge";

export interface MetricDefinition {
  name: string;
  type: MetricType;
  help: string;
  /** Label names, in the order their values are given. */
  labels: readonly string[];
  /** Histograms only: the finite upper bounds (`le`), ascending; `+Inf` is implied. */
  buckets?: readonly number[];
}

/**
 * Request latency buckets, in seconds. 0.5 is one of them on purpose: the p99 threshold is
 * 500 ms, and a quantile interpolated within a bucket is only exact at its bounds.
 */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const METRICS = {
  requestDuration: {
    name: "flashsale_http_request_duration_seconds",
    type: "histogram",
    help: "Time to answer a request at the edge, by method and route pattern (never the raw path).",
    labels: ["method", "route"],
    buckets: LATENCY_BUCKETS,
  },
  checkoutOutcomes: {
    name: "flashsale_checkout_outcomes_total",
    type: "counter",
    help: "Checkout Tries (POST /api/checkout) by outcome: created, replayed (a retried key's order) or the error code answered, also at the refusal door.",
    labels: ["outcome"],
  },
  ordersCreated: {
    name: "flashsale_orders_created_total",
    type: "counter",
    help: "Orders created by checkout (a retried key's order is not counted again).",
    labels: [],
  },
  payments: {
    name: "flashsale_payments_total",
    type: "counter",
    help: "Charge attempts on POST /api/orders/{id}/pay by outcome: succeeded (the order is paid) or failed (declined, provider unavailable, or refunded because the hold ran out).",
    labels: ["outcome"],
  },
  couponsClaimed: {
    name: "flashsale_coupons_claimed_total",
    type: "counter",
    help: "Coupons claimed by shoppers (issue 14 records them).",
    labels: [],
  },
  couponsRedeemed: {
    name: "flashsale_coupons_redeemed_total",
    type: "counter",
    help: "Coupons redeemed in a paid order (issue 14 records them).",
    labels: [],
  },
  stock: {
    name: "flashsale_stock_units",
    type: "gauge",
    help: "Units left to sell per configured SKU, read from its object when scraped.",
    labels: ["sku"],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/** Payment outcomes: the success rate is succeeded / (succeeded + failed). */
export type PaymentOutcome = "succeeded" | "failed";

/** The definition of a metric by its Prometheus name, or undefined for a name not in the table. */
export function definitionNamed(name: string): MetricDefinition | undefined {
  return Object.values(METRICS).find((metric) => metric.name === name);
}
