import { z } from "@hono/zod-openapi";
import { ERROR_CODES, ERRORS, type ErrorCode } from "../../../src/error-codes.ts";
import { epochMs, int } from "./units.ts";

/**
 * The API's one error shape, `{ "error": { "code", "message", ...details } }`, as the
 * component `Error`: every code of the one table (src/error-codes.ts) with its status in
 * `x-status-by-code`, and the details a client may act on.
 */
export const errorSchema = z
  .object({
    error: z.looseObject({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      problems: z.array(z.string()).optional().describe("invalid_request: each validation issue, `path: message`"),
      startsAt: epochMs.optional().describe("not_started"),
      endedAt: epochMs.optional().describe("ended"),
      limit: int.optional().describe("limit_exceeded: the per-shopper limit; payload_too_large: the largest body accepted, in bytes"),
      holding: int.optional().describe("limit_exceeded: units the shopper already holds or bought"),
      remaining: int.optional().describe("insufficient_stock"),
      orderId: z.string().optional().describe("idempotency_conflict: the order the key made"),
      status: z.string().optional().describe("order_not_payable: the order's status"),
      paymentMethods: z.array(z.string()).optional().describe("invalid_request for an unknown payment method: the known ones"),
      version: int
        .optional()
        .describe("admin conflict: the sale's current version; dependency_unavailable: the version live but not in KV"),
      minimumStock: int.optional().describe("admin conflict: the least stock allowed now (units sold or held)"),
      role: z.string().optional().describe("forbidden: the caller's staff role"),
      admits: z.array(z.string()).optional().describe("forbidden: the roles this call admits"),
    }),
  })
  .openapi("Error", {
    description: `The one error shape. Codes → HTTP status: ${ERROR_CODES.map((code) => `${code} ${ERRORS[code].status}`).join(", ")}`,
    "x-status-by-code": Object.fromEntries(ERROR_CODES.map((code) => [code, ERRORS[code].status])),
  });

/** The error shape narrowed to `codes`: what one response of a route can carry. */
export function errorSchemaOf(codes: readonly [ErrorCode, ...ErrorCode[]]) {
  return z.object({ error: z.looseObject({ code: z.enum(codes) }) }).and(errorSchema);
}
