import { createMiddleware } from "hono/factory";
import { timingSafeEqual } from "hono/utils/buffer";
import { AppError } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";

/**
 * Admin is closed unless ADMIN_TOKEN is configured; when it is, every request must carry
 * it as a bearer token, compared in constant time.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.env.ADMIN_TOKEN;
  if (!token) throw new AppError("admin_closed", "admin is closed: no ADMIN_TOKEN is configured");
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  if (!presented || !(await timingSafeEqual(presented, token))) {
    c.header("WWW-Authenticate", 'Bearer realm="admin"');
    throw new AppError("unauthorized", "a valid admin bearer token is required");
  }
  await next();
});
