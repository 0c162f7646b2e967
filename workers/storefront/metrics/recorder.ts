import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { MovableClock } from "../../../src/clock.ts";
import { codeOfStatus, type ErrorCode } from "../../../src/error-codes.ts";
import { METRICS, type PaymentOutcome } from "../../../src/metrics/catalogue.ts";
import { MetricsBuffer } from "../../../src/metrics/isolate-buffer.ts";
import { methodLabel, routeLabel } from "../../../src/metrics/route-label.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { METRICS_HUB_NAME } from "../../../durable-objects/metrics-hub/index.ts";
import type { AppEnv } from "../app-env.ts";

/** The isolate's clock for its batches: the runtime's, which tests move (src/clock.ts). */
export const metricsClock = new MovableClock();

/**
 * What this isolate has recorded and not yet sent (issue 13). Module state on purpose: one per
 * isolate, shared by its requests, so recording is a few map updates in memory and the hub
 * hears from the isolate at most once per 5 s (src/metrics/isolate-buffer.ts).
 */
export const isolateMetrics = new MetricsBuffer(() => metricsClock.now());

const CHECKOUT_ROUTE = "/api/checkout";

/**
 * The first middleware of the app: times every routed request and records it under its route
 * pattern (never its raw path: src/metrics/route-label.ts), and a checkout's outcome. Runs
 * around everything else, the error handler's answers included, and never fails a request.
 */
export const recordRequest = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  try {
    const route = routeLabel(matchedRoutes(c));
    const method = methodLabel(c.req.method);
    const metrics = isolateMetrics.metrics;
    metrics.observe(METRICS.requestDuration, { method, route }, (Date.now() - started) / 1000);
    if (route === CHECKOUT_ROUTE && method === "POST") recordCheckout(checkoutOutcome(c));
  } catch (error) {
    console.error(`metrics: a request was not recorded (${describe(error)})`);
  }
});

/** A checkout answered by the refusal door, before the router (api/refusal-door.ts): counted like any other. */
export function recordDoorAnswer(refused: ErrorCode, startedAt: number): void {
  const metrics = isolateMetrics.metrics;
  metrics.observe(METRICS.requestDuration, { method: "POST", route: CHECKOUT_ROUTE }, (Date.now() - startedAt) / 1000);
  recordCheckout(refused);
}

/**
 * A charge attempt on the pay route (api/orders.ts): `succeeded` when the order is paid,
 * `failed` when the provider declined or did not answer, or the hold ran out between the
 * charge and the confirmation (the charge is refunded). A shopper's cancellation is no charge
 * attempt, nor is paying a paid order; neither is counted.
 */
export function recordPayment(outcome: PaymentOutcome): void {
  isolateMetrics.metrics.add(METRICS.payments, { outcome });
}

/** Issue 14's coupons: a claim and a redemption (in a paid order). Nothing calls these yet. */
export function recordCouponClaimed(): void {
  isolateMetrics.metrics.add(METRICS.couponsClaimed);
}

export function recordCouponRedeemed(): void {
  isolateMetrics.metrics.add(METRICS.couponsRedeemed);
}

/**
 * Sends the isolate's batch to the hub if one is due (or now, `force`), after the answer
 * (`waitUntil`): a request never waits for it. An unreachable hub loses the batch, with a log
 * line; the request it rode on is not failed, and the next batch starts afresh.
 */
export function flushMetrics(
  env: Partial<Env> | object | undefined,
  ctx: Pick<ExecutionContext, "waitUntil"> | undefined,
  force = false,
): Promise<void> | null {
  const hub = env && "METRICS_HUB" in env ? env.METRICS_HUB : undefined;
  if (!hub) return null; // `app.request()` without bindings, in tests
  const batch = force ? isolateMetrics.take() : isolateMetrics.takeIfDue();
  if (!batch) return null;
  const sent = (async () => {
    try {
      await hub.getByName(METRICS_HUB_NAME).record(batch);
    } catch (error) {
      console.error(`metrics: a batch was dropped, the metrics hub did not take it (${describe(error)})`);
    }
  })();
  ctx?.waitUntil(sent);
  return sent;
}

function recordCheckout(outcome: string): void {
  const metrics = isolateMetrics.metrics;
  metrics.add(METRICS.checkoutOutcomes, { outcome });
  if (outcome === "created") metrics.add(METRICS.ordersCreated);
}

/** created, replayed (a retried key's order), or the error code answered. */
function checkoutOutcome(c: Context<AppEnv>): string {
  const { status } = c.res;
  if (status === 201) return c.res.headers.get("Idempotent-Replayed") === "true" ? "replayed" : "created";
  // The error handler notes the code it answered (errors.ts); a status alone says it for the rest.
  return c.get("answeredError") ?? codeOfStatus(status) ?? `http_${status}`;
}

function describe(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}
