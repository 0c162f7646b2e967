import type { Context, Next } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { AppError } from "../../../src/errors.ts";
import { sign, verify } from "../../../src/signing.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";

export const SESSION_COOKIE = "fs_session";
const SHOPPER_ID = /^shp_[0-9a-z]{20,32}$/;
const THIRTY_DAYS_S = 30 * 24 * 3600;

/**
 * The shopper's identity: a random id in an HMAC-signed, HttpOnly cookie, issued on the
 * first request that needs one. Per-shopper limits and order ownership hang on it. Without
 * SESSION_SECRET it refuses (503); a request without a valid cookie is a new shopper, so the
 * cookie is optional in the contract's security.
 */
export const session = withContract(createMiddleware<AppEnv>(identify), {
  errors: ["dependency_unavailable"],
  security: [{ session: [] }, {}],
});

async function identify(c: Context<AppEnv>, next: Next): Promise<void> {
  const secret = c.env.SESSION_SECRET;
  if (!secret) throw new AppError("dependency_unavailable", "SESSION_SECRET is not configured");
  let shopperId = await presentedShopper(c, secret);
  c.set("newSession", shopperId === null);
  if (shopperId === null) {
    shopperId = newShopperId();
    setCookie(c, SESSION_COOKIE, await sign(shopperId, secret), {
      httpOnly: true,
      secure: new URL(c.req.url).protocol === "https:",
      sameSite: "Lax",
      path: "/",
      maxAge: THIRTY_DAYS_S,
    });
  }
  c.set("shopperId", shopperId);
  await next();
}

/** Per request: the shopper its cookie proves, looked up once (the rate limits ask before `session` does). */
const presented = new WeakMap<Request, Promise<string | null>>();

/**
 * The shopper id the request's session cookie proves, or null when it has none or one that
 * does not verify: such a request is a new shopper. Verified once per request, whoever asks.
 */
export function presentedShopper(c: Context<AppEnv>, secret: string): Promise<string | null> {
  let shopper = presented.get(c.req.raw);
  if (!shopper) {
    const cookie = getCookie(c, SESSION_COOKIE);
    shopper = cookie ? verify(cookie, secret).then((id) => (id !== null && SHOPPER_ID.test(id) ? id : null)) : Promise.resolve(null);
    presented.set(c.req.raw, shopper);
  }
  return shopper;
}

function newShopperId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `shp_${Array.from(bytes, (b) => b.toString(36).padStart(2, "0"))
    .join("")
    .slice(0, 24)}`;
}
