import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError, type ErrorCode } from "../../../src/errors.ts";
import type { Validated } from "../../../src/sales/sale-config.ts";
import { ADMIN_BODY_LIMIT, readJson } from "../api/request-body.ts";
import { requireJsonContentType } from "../api/validation.ts";

/**
 * Who makes an admin change, for the audit log: the `X-Admin-Actor` header, percent-encoded
 * UTF-8 so a name like 王芳 survives HTTP (header values are bytes); "admin" when absent.
 */
const ACTOR = /^[\p{L}\p{N}][\p{L}\p{N} ._@+-]{0,63}$/u;
export const DEFAULT_ACTOR = "admin";

export function adminActor(c: Context): string {
  const header = c.req.header("X-Admin-Actor");
  if (header === undefined || header.trim() === "") return DEFAULT_ACTOR;
  let actor: string;
  try {
    actor = decodeURIComponent(header.trim());
  } catch {
    actor = "";
  }
  if (!ACTOR.test(actor)) {
    const problem = "X-Admin-Actor: 1-64 letters, digits, spaces or . _ @ + -, starting with a letter or digit (percent-encode non-ASCII)";
    throw new AppError("invalid_request", problem, { problems: [problem] });
  }
  return actor;
}

/** The `X-Admin-Actor` header in a contract: read by adminActor, which words its problems. */
export const adminActorHeader = z.object({
  "X-Admin-Actor": z
    .string()
    .optional()
    .openapi({
      param: {
        description:
          "who makes the change, for the audit log, when the caller signs in with ADMIN_TOKEN (default `admin`): 1-64 letters, digits, spaces or `. _ @ + -`; percent-encode UTF-8 (王芳 → %E7%8E%8B%E8%8A%B3)",
      },
    }),
});

/** What jsonInput can answer: a route that reads its body with it declares these. */
export const JSON_INPUT_ERRORS = ["unsupported_media_type", "payload_too_large", "invalid_request"] as const satisfies readonly ErrorCode[];

/**
 * The request body as JSON, not yet validated: sent as JSON (else 415 `unsupported_media_type`),
 * at most ADMIN_BODY_LIMIT bytes, counted while reading (else 413 `payload_too_large`, before
 * anything is written), and parsable (else 400 `invalid_request`).
 */
export function jsonInput(c: Context): Promise<unknown> {
  requireJsonContentType(c);
  return readJson(c, ADMIN_BODY_LIMIT);
}

/** The value of a validation, or `invalid_request` listing every problem of the `what` (a sale, a coupon…). */
export function valid<T>(result: Validated<T>, what = "sale"): T {
  if (!result.ok) {
    throw new AppError("invalid_request", `invalid ${what}: ${result.problems.join("; ")}`, { problems: result.problems });
  }
  return result.value;
}
