import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { codeOfStatus, statusOf } from "../../src/error-codes.ts";
import { redactSecrets } from "../../src/redact.ts";
import { AppError, type ErrorCode } from "../../src/errors.ts";
import { checkDeclared } from "./contract/declared-errors.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** The error code this request was answered with: the checkout's outcome in the metrics (metrics/recorder.ts). */
    answeredError?: ErrorCode;
  }
}

/** The API's one error shape. */
export function errorBody<C extends ErrorCode>(code: C, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...details } };
}

/**
 * Turns any thrown error into the API's error shape, in one place. Known errors keep their
 * code and message; anything else is logged and answered with a generic 500, so no stack
 * trace or secret ever reaches a client. Every answer is checked against the route's
 * contract: a code the route does not declare is a breach (contract/declared-errors.ts).
 */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof AppError) {
    checkDeclared(c, error.code);
    c.set("answeredError", error.code);
    return c.json(errorBody(error.code, error.message, error.details), statusOf(error.code) as ContentfulStatusCode);
  }
  if (error instanceof HTTPException) {
    // A refusal of hono's (a validator's 415) carries a status only: the one code of that status says it.
    const code = codeOfStatus(error.status) ?? (error.status < 500 ? "invalid_request" : "internal");
    checkDeclared(c, code);
    c.set("answeredError", code);
    return c.json(errorBody(code, error.message || "request refused"), error.status);
  }
  console.error("unhandled error", c.req.method, c.req.path, error.name, redactSecrets(error.message));
  checkDeclared(c, "internal");
  c.set("answeredError", "internal");
  return c.json(errorBody("internal", "something went wrong on our side"), 500);
}
