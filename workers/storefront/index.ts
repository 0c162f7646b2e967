import type { Context } from "hono";
import { AppError } from "../../src/errors.ts";
import { adminConsole } from "./admin/console.ts";
import { adminDashboard } from "./admin/dashboard.ts";
import { adminApi } from "./admin/index.ts";
import { adClicks } from "./api/ads.ts";
import { api } from "./api/index.ts";
import { atTheDoor } from "./api/refusal-door.ts";
import { staticFiles } from "./assets.ts";
import { adImageFiles } from "./ad-image-files.ts";
import { openapiDocumentRoute, serveDocument } from "./contract/document.ts";
import { contractApp } from "./contract/route.ts";
import { errorBody, handleError } from "./errors.ts";
import { health } from "./health.ts";
import { flushMetrics, recordDoorAnswer, recordRequest } from "./metrics/recorder.ts";
import { scrape } from "./metrics/scrape.ts";
import { notFoundHtml, pages } from "./pages/index.ts";
import { runScheduledJobs } from "./scheduled.ts";

export { SkuSale } from "../../durable-objects/sku-sale/index.ts";
export { MetricsHub } from "../../durable-objects/metrics-hub/index.ts";
export { CouponPool } from "../../durable-objects/coupon-pool/index.ts";
export { TeamCampaignRoster } from "../../durable-objects/team-campaign-roster/index.ts";
export { TeamUp } from "../../durable-objects/team-up/index.ts";
export { FollowUp } from "../../durable-objects/follow-up/index.ts";
export { Conversation } from "../../durable-objects/conversation/index.ts";

/**
 * The storefront Worker: every edge route in one place.
 *   /healthz            dependency checks
 *   /metrics            Prometheus exposition (bearer METRICS_TOKEN)
 *   /api/*              the shopper API (JSON)
 *   /admin/api/*        the admin API (JSON, bearer token)
 *   /admin              the marketer console (a page; its script calls /admin/api)
 *   /admin/dashboard    the live monitoring dashboard (a page; its script calls /admin/api)
 *   /assets/*, /images/*  static files, content-hashed; images negotiated by Accept
 *   /, /sales/:sku, /orders/:id   server-rendered pages
 * Unknown addresses get the JSON error under the APIs and a real 404 page elsewhere.
 *
 * Every route of /healthz, /metrics, /api and /admin/api is a contract (contract/route.ts): its request
 * schemas, responses and error codes beside its handler, from which `GET /api/openapi.json`
 * is generated. The pages, the console and the static files are not part of the API.
 */
const app = contractApp();

// First, so it times every routed request and sees every answer, the error handler's too.
app.use(recordRequest);
app.route("/healthz", health);
app.route("/metrics", scrape);
app.route("/api", api);
app.route("/admin/api", adminApi);
app.openapi(openapiDocumentRoute, serveDocument(app));
// Before the console: its own page under its own policy, not the console's middleware.
app.route("/admin/dashboard", adminDashboard);
app.route("/admin", adminConsole);
app.route("/ads/click", adClicks);
app.route("/", staticFiles);
app.route("/ads/img", adImageFiles);
app.route("/", pages);

const isApi = (c: Context) => /^\/(api|admin\/api|healthz|metrics)(\/|$)/.test(c.req.path);

app.notFound((c) => (isApi(c) ? c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404) : notFoundHtml(c)));
app.onError((error, c) => (error instanceof AppError && error.code === "not_found" && !isApi(c) ? notFoundHtml(c) : handleError(error, c)));

/**
 * Every request passes the front door first (api/refusal-door.ts: a sold-out stampede is
 * answered there, and counted), then the router. Set on the app itself, so `app.request` in
 * tests and the runtime's `fetch` take the same way in. After the answer, the isolate's
 * metrics go to the hub if a batch is due (at most once per 5 s; metrics/recorder.ts).
 */
const route = app.fetch;
app.fetch = async (request, env, ctx) => {
  const startedAt = Date.now();
  const door = await atTheDoor(request);
  let response: Response;
  if ("answer" in door) {
    recordDoorAnswer(door.refused, startedAt);
    response = door.answer;
  } else {
    response = await route(door.request, env, ctx);
  }
  flushMetrics(env, ctx);
  return response;
};

/** The Cron Trigger (scheduled.ts): every minute, the jobs that run on a schedule. */
const scheduled: ExportedHandlerScheduledHandler<Env> = (controller, env, ctx) => runScheduledJobs(env, controller.scheduledTime, ctx);

// The app itself stays the default export: tests call `worker.request` and read its OpenAPI registry.
export default Object.assign(app, { scheduled }) satisfies ExportedHandler<Env>;
