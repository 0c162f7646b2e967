import { zValidator } from "@hono/zod-validator";
import type { Context } from "hono";
import type { ZodType } from "zod";
import { AppError } from "../../../src/errors.ts";

/**
 * A JSON body validated by zod; any problem is answered as `invalid_request` listing every
 * issue with its path, before the handler runs and before anything is taken.
 */
export function jsonBody<T extends ZodType>(schema: T) {
  return zValidator("json", schema, (result, c) => {
    requireJsonContentType(c);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
      throw new AppError("invalid_request", `invalid request body: ${problems.join("; ")}`, { problems });
    }
  });
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

/**
 * A body sent as anything but JSON would be read as `{}` and fall back to defaults (a pay
 * request would use the default payment method): refuse it instead.
 */
export function requireJsonContentType(c: Context): void {
  const hasBody = c.req.header("Content-Length") !== undefined && c.req.header("Content-Length") !== "0";
  const type = c.req.header("Content-Type") ?? "";
  if ((hasBody || c.req.header("Transfer-Encoding")) && !/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new AppError("invalid_request", "send the request body as JSON, with Content-Type: application/json");
  }
}
