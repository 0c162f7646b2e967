import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { databaseSettings, redisSettings } from "../../src/config.ts";
import { pingDatabase } from "../../src/db/client.ts";
import { HealthCache, type ServedHealthReport } from "../../src/health/cache.ts";
import { runHealthChecks, type Probe } from "../../src/health/checks.ts";
import { openRedis } from "../../src/redis/client.ts";
import type { AppEnv } from "./app-env.ts";
import type { Describes, Holds } from "./contract/describes.ts";
import { noStore } from "./contract/no-store.ts";
import { contractApp, contractRoute } from "./contract/route.ts";
import { epochMs } from "./contract/units.ts";

/** Name of the object the health check wakes; never a real SKU (those match `[a-z0-9-]`). */
const HEALTH_OBJECT = "__healthcheck__";
const PROBE_TIMEOUT_MS = 3_000;
/** A report is served again for this long: `/healthz` opens at most one Postgres connection per isolate per 5 s. */
export const HEALTH_TTL_MS = 5_000;
/** Configurations an isolate keeps a report for; in production there is one. */
const MAX_CONFIGURATIONS = 8;

/**
 * The isolate's health caches, one per configuration of the dependencies (a Worker called
 * with another env, as tests do, must not be answered with the report of the first). Exported
 * for tests: `runs` counts the checks each one started.
 */
export const healthCaches = new Map<string, HealthCache>();

/** The probes of every dependency; exported so a test can see what they are. */
export function healthProbes(env: Env): Record<string, Probe> {
  return {
    durableObject: () => env.SKU_SALE.getByName(HEALTH_OBJECT).ping(),
    kv: () => env.SALES.get(HEALTH_OBJECT),
    postgres: () => pingDatabase(databaseSettings(env)),
    redis: async () => {
      const reply = await openRedis(redisSettings(env)).ping();
      if (reply !== "PONG") throw new Error(`unexpected PING reply ${JSON.stringify(reply)}`);
    },
  };
}

/** `waitUntil` where there is an execution context (there is none under `app.request()`). */
function keepAlive(c: Context<AppEnv>, work: Promise<unknown>): void {
  let ctx: Context["executionCtx"];
  try {
    ctx = c.executionCtx;
  } catch {
    return;
  }
  ctx.waitUntil(work.catch(() => undefined));
}

function cacheFor(env: Env): HealthCache {
  const key = JSON.stringify([env.DATABASE_URL, env.NEON_WS_PROXY, env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_TOKEN]);
  let cache = healthCaches.get(key);
  if (!cache) {
    if (healthCaches.size >= MAX_CONFIGURATIONS) healthCaches.delete(healthCaches.keys().next().value!);
    cache = new HealthCache({ ttlMs: HEALTH_TTL_MS, now: Date.now });
    healthCaches.set(key, cache);
  }
  return cache;
}

/** The report, as `/healthz` serves it with either status. */
const healthReportSchema = z
  .object({
    status: z.enum(["ok", "failing"]),
    failing: z.array(z.string()).describe("the dependencies that did not answer"),
    checks: z.record(
      z.string(),
      z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional().describe("a short reason, free of secrets") }),
    ),
    cached: z.boolean().describe("true when this report was computed before the request came"),
    checkedAt: epochMs.describe("when the checks finished"),
  })
  .openapi("HealthReport", { description: "Every dependency checked for real: Durable Object, KV, Postgres, Redis" });

export type HealthSchemaMatchesCode = Holds<Describes<z.output<typeof healthReportSchema>, ServedHealthReport>>;

const ONE_ISOLATES_VIEW = noStore("one isolate's view is never cached for others");

const healthRoute = contractRoute({
  method: "get",
  path: "/",
  tags: ["meta"],
  summary: "Health: every dependency checked, at most once per 5 s per isolate",
  responses: {
    200: {
      description: "every dependency answered",
      headers: ONE_ISOLATES_VIEW,
      content: { "application/json": { schema: healthReportSchema } },
    },
    503: {
      description: "some did not: `failing` names them",
      headers: ONE_ISOLATES_VIEW,
      content: { "application/json": { schema: healthReportSchema } },
    },
  },
});

/**
 * `GET /healthz`, public: every dependency checked for real, in parallel, 200 when all answer
 * and 503 naming the ones that did not. The deep check runs at most once per HEALTH_TTL_MS per
 * isolate, and concurrent callers share the one in flight: a burst of unauthenticated calls
 * must not open a Postgres connection each (300 at once once starved Postgres of connections
 * and failed a marketer's save). The report says `checkedAt` and whether it is `cached`.
 * Not cached by HTTP caches (`no-store`): an edge cache would serve one isolate's view to all.
 */
export const health = contractApp().openapi(healthRoute, async (c) => {
  const env = c.env;
  const report = await cacheFor(env).get(() => {
    const check = runHealthChecks(healthProbes(env), { timeoutMs: PROBE_TIMEOUT_MS });
    // Callers of other requests may be waiting on this check: let it finish even if this
    // request's client goes away.
    keepAlive(c, check);
    return check;
  });
  c.header("Cache-Control", "no-store");
  return report.status === "ok" ? c.json(report, 200) : c.json(report, 503);
});
