import { Hono } from "hono";
import { databaseSettings, redisSettings } from "../../src/config.ts";
import { pingDatabase } from "../../src/db/client.ts";
import { runHealthChecks } from "../../src/health/checks.ts";
import { openRedis } from "../../src/redis/client.ts";

/** Name of the object the health check wakes; never a real SKU (those match `[a-z0-9-]`). */
const HEALTH_OBJECT = "__healthcheck__";
const PROBE_TIMEOUT_MS = 3_000;

/**
 * `GET /healthz`: every dependency checked for real, in parallel. 200 when all answer,
 * 503 naming the ones that did not. Never cached: a stale "ok" is worse than none.
 */
export const health = new Hono<{ Bindings: Env }>().get("/", async (c) => {
  const env = c.env;
  const report = await runHealthChecks(
    {
      durableObject: () => env.SKU_SALE.getByName(HEALTH_OBJECT).ping(),
      kv: () => env.SALES.get(HEALTH_OBJECT),
      postgres: () => pingDatabase(databaseSettings(env)),
      redis: async () => {
        const reply = await openRedis(redisSettings(env)).ping();
        if (reply !== "PONG") throw new Error(`unexpected PING reply ${JSON.stringify(reply)}`);
      },
    },
    { timeoutMs: PROBE_TIMEOUT_MS },
  );
  c.header("Cache-Control", "no-store");
  return c.json(report, report.status === "ok" ? 200 : 503);
});
