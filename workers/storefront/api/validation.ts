import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
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
 *   be JSON (400); an empty body is `{}`. The route's body schema then validates that one
 *   parse (request-body.ts hands it to the validator).
 */
export const shopperWrite = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    requireSameOrigin(c);
    requireJsonContentType(c);
    await readJson(c, SHOPPER_BODY_LIMIT, { emptyAs: {} });
    await next();
  }),
  {
    errors: ["invalid_request", "forbidden_origin", "payload_too_large", "unsupported_media_type"],
    readsJsonBody: true,
    note: "Send `Content-Type: application/json` also when there is no body (else 415; an empty body is `{}`); a browser's `Origin` must be this server's own (else 403); a body over 16 KiB is 413. A refused call takes nothing.",
  },
);

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
const KEY_REQUIRED = "the Idempotency-Key header is required (for example a UUID)";

/**
 * The `Idempotency-Key` header, required on every call that creates or cancels a checkout:
 * the headers of those routes' contracts. Its messages are the whole answer (400
 * `invalid_request`, contract/validation-hook.ts).
 */
export const idempotencyKeyHeader = z.object({
  "Idempotency-Key": z
    .string({ error: KEY_REQUIRED })
    .min(1, { error: KEY_REQUIRED, abort: true })
    .regex(IDEMPOTENCY_KEY, "Idempotency-Key must be 8-128 characters of letters, digits, '_', '-', '.', ':'")
    .openapi({
      param: { description: "one per intended purchase (a UUID will do), scoped to the shopper and the SKU; reuse it only to retry" },
    }),
});

/** `application/json`, or a `+json` type such as `application/merge-patch+json`, any parameters after `;`. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/;

/**
 * Every body-carrying write is JSON, and says so: a body sent as anything else would be read
 * as `{}` and fall back to defaults (a pay request would use the default payment method), and
 * a request without the header may come from an HTML form. 415 `unsupported_media_type`.
 */
export function requireJsonContentType(c: Context): void {
  if (!isJsonContentType(c.req.header("Content-Type"))) {
    throw new AppError(
      "unsupported_media_type",
      "send the request as JSON, with Content-Type: application/json (also when it has no body)",
    );
  }
}

/** Whether a Content-Type header names JSON (see requireJsonContentType). */
export function isJsonContentType(header: string | null | undefined): boolean {
  return JSON_MEDIA_TYPE.test((header ?? "").split(";")[0]!.trim().toLowerCase());
}

/**
 * A browser names the page's origin in `Origin` on every cross-origin request and on every
 * POST: when it is there it must be this server's own (scheme, host and port of the request
 * URL). A request without it (curl, another server) is not a browser acting for someone.
 */
export function requireSameOrigin(c: Context): void {
  if (!isOwnOrigin(c.req.header("Origin"), c.req.url)) {
    throw new AppError("forbidden_origin", `this call is accepted only from pages of ${new URL(c.req.url).origin}`);
  }
}

/** Whether an `Origin` header (when sent) is the request URL's own (see requireSameOrigin). */
export function isOwnOrigin(origin: string | null | undefined, requestUrl: string): boolean {
  return origin === undefined || origin === null || normalizeOrigin(origin) === new URL(requestUrl).origin;
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
