import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { z, ZodType } from "zod";
import { AppError } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { readJson, SHOPPER_BODY_LIMIT } from "./request-body.ts";

/**
 * Every state-changing shopper call (session, Try, cancel by key, Confirm, Cancel) passes
 * this before anything else, so a refused request takes nothing and is issued no cookie:
 * - an `Origin`, when sent, must be the request's own (403 `forbidden_origin`): a page of
 *   another site cannot act with the shopper's cookie;
 * - `Content-Type: application/json` is required even without a body (415
 *   `unsupported_media_type`): an HTML form can send no such request, and fetch from another
 *   origin needs a preflight this API never grants;
 * - the body is read with a limit of SHOPPER_BODY_LIMIT (413 `payload_too_large`) and must
 *   be JSON (400); an empty body is `{}`.
 */
export const shopperWrite = createMiddleware<AppEnv>(async (c, next) => {
  requireSameOrigin(c);
  requireJsonContentType(c);
  await readJson(c, SHOPPER_BODY_LIMIT, { emptyAs: {} });
  await next();
});

/**
 * A JSON body validated by zod; any problem is answered as `invalid_request` listing every
 * issue with its path, before the handler runs and before anything is taken. It runs after
 * `shopperWrite`, which has checked the content type and read and parsed the body once:
 * this takes that parse (an empty body is `{}`).
 */
export function jsonBody<T extends ZodType>(
  schema: T,
): MiddlewareHandler<AppEnv, string, { in: { json: z.input<T> }; out: { json: z.output<T> } }> {
  return async (c, next) => {
    const result = schema.safeParse(await readJson(c, SHOPPER_BODY_LIMIT, { emptyAs: {} }));
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
      throw new AppError("invalid_request", `invalid request body: ${problems.join("; ")}`, { problems });
    }
    c.req.addValidatedData("json", result.data as object);
    await next();
  };
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The request's `Idempotency-Key`, required on every call that creates or cancels a checkout. */
export function idempotencyKey(c: Context): string {
  const key = c.req.header("Idempotency-Key");
  if (!key) throw new AppError("invalid_request", "the Idempotency-Key header is required (for example a UUID)");
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppError("invalid_request", "Idempotency-Key must be 8-128 characters of letters, digits, '_', '-', '.', ':'");
  }
  return key;
}

/** `application/json`, or a `+json` type such as `application/merge-patch+json`, any parameters after `;`. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/;

/**
 * Every body-carrying write is JSON, and says so: a body sent as anything else would be read
 * as `{}` and fall back to defaults (a pay request would use the default payment method), and
 * a request without the header may come from an HTML form. 415 `unsupported_media_type`.
 */
export function requireJsonContentType(c: Context): void {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new AppError("unsupported_media_type", "send the request as JSON, with Content-Type: application/json (also when it has no body)");
  }
}

/**
 * A browser names the page's origin in `Origin` on every cross-origin request and on every
 * POST: when it is there it must be this server's own (scheme, host and port of the request
 * URL). A request without it (curl, another server) is not a browser acting for someone.
 */
export function requireSameOrigin(c: Context): void {
  const origin = c.req.header("Origin");
  if (origin === undefined) return;
  const own = new URL(c.req.url).origin;
  if (normalizeOrigin(origin) !== own) {
    throw new AppError("forbidden_origin", `this call is accepted only from pages of ${own}`);
  }
}

/** `https://Shop.Test:443` → `https://shop.test`; anything unparsable (`null`) stays as it is and matches nothing. */
function normalizeOrigin(origin: string): string {
  try {
    const url = new URL(origin.trim());
    return url.origin === "null" ? origin : url.origin;
  } catch {
    return origin;
  }
}
