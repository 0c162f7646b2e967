import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { statusOf } from "../../src/error-codes.ts";
import { AppError, type ErrorCode } from "../../src/errors.ts";

/** What an HTTPException of hono's (a middleware's refusal) means in our codes. */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  401: "unauthorized",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** The API's one error shape. */
export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...details } };
}

/**
 * Turns any thrown error into the API's error shape, in one place. Known errors keep their
 * code and message; anything else is logged and answered with a generic 500, so no stack
 * trace or secret ever reaches a client.
 */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof AppError) {
    return c.json(errorBody(error.code, error.message, error.details), statusOf(error.code) as ContentfulStatusCode);
  }
  if (error instanceof HTTPException) {
    const code: ErrorCode =
      HTTP_EXCEPTION_CODES[error.status] ?? (error.status < 500 ? "invalid_request" : "internal");
    return c.json(errorBody(code, error.message || "request refused"), error.status);
  }
  console.error("unhandled error", c.req.method, c.req.path, error.name, error.message);
  return c.json(errorBody("internal", "something went wrong on our side"), 500);
}
