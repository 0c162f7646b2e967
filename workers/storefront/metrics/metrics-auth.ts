import { createMiddleware } from "hono/factory";
import { timingSafeEqual } from "hono/utils/buffer";
import { AppError } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";

/**
 * The scraper's credential for `GET /metrics` (issue 13): `Authorization: Bearer <METRICS_TOKEN>`,
 * compared in constant time like the admin token (admin/auth.ts). Closed unless the secret is
 * set: without it every scrape is 401, in the one error shape. A token of its own, not
 * ADMIN_TOKEN: a scraper's configuration is kept in more places than an owner's credential
 * should be, and this one opens nothing but counts.
 */
export const metricsAuth = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    const expected = c.env.METRICS_TOKEN ?? "";
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1] ?? null;
    if (!expected || presented === null || !(await timingSafeEqual(presented, expected))) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      throw new AppError(
        "unauthorized",
        expected ? "the metrics bearer token is missing or wrong" : "metrics are closed: METRICS_TOKEN is not configured",
      );
    }
    await next();
  }),
  { errors: ["unauthorized"], security: [{ metricsToken: [] }] },
);
