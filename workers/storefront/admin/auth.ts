import { createMiddleware } from "hono/factory";
import { timingSafeEqual } from "hono/utils/buffer";
import { AppError } from "../../../src/errors.ts";
import type { Role } from "../../../src/staff/roles.ts";
import type { AppEnv } from "../app-env.ts";

/**
 * Admin is closed unless ADMIN_TOKEN is configured; when it is, every request must carry
 * it as a bearer token, compared in constant time. The token acts as an owner.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.env.ADMIN_TOKEN;
  if (!token) throw new AppError("admin_closed", "admin is closed: no ADMIN_TOKEN is configured");
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  if (!presented || !(await timingSafeEqual(presented, token))) {
    c.header("WWW-Authenticate", 'Bearer realm="admin"');
    throw new AppError("unauthorized", "a valid admin bearer token is required");
  }
  c.set("staff", { id: "break-glass", name: "admin", email: null, role: "owner", stores: [], via: "token" });
  await next();
});

/** A route's admission: the signed-in staff member's role must be one of `roles`, else 403 `forbidden`. */
export function allowRoles(roles: readonly Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const staff = c.get("staff");
    if (!roles.includes(staff.role)) {
      throw new AppError("forbidden", `a ${staff.role} may not make this call`, { role: staff.role, admits: [...roles] });
    }
    await next();
  });
}
