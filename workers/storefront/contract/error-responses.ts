import { ERRORS, statusOf, type ErrorCode } from "../../../src/error-codes.ts";
import { errorSchemaOf } from "./error-schema.ts";

/** One error response of a route: the codes it can carry, in the description, the schema and `x-error-codes`. */
export interface ErrorResponse {
  description: string;
  headers?: Record<string, { description: string; schema: { type: "integer"; minimum: number } }>;
  "x-error-codes": [ErrorCode, ...ErrorCode[]];
  content: { "application/json": { schema: ReturnType<typeof errorSchemaOf> } };
}

/**
 * Every 429 says when to come back: `rate_limited` (the rate limits, staff sign-in, the live
 * feed's caps) and `queue_not_admitted` (a waiting room's ticket before its turn).
 */
const RETRY_AFTER = {
  "Retry-After": { description: "seconds until this client may try again", schema: { type: "integer" as const, minimum: 1 } },
};

const TELLS_RETRY_AFTER: ReadonlySet<ErrorCode> = new Set(["rate_limited", "queue_not_admitted"]);

/**
 * A route's error responses from the codes it can answer: one response per status, listing
 * its codes, so a route names codes and never statuses; the statuses come from the one table
 * (src/error-codes.ts).
 */
export function errorResponses(codes: readonly ErrorCode[]): Record<number, ErrorResponse> {
  const byStatus = new Map<number, [ErrorCode, ...ErrorCode[]]>();
  for (const code of codes) {
    const grouped = byStatus.get(statusOf(code));
    if (grouped) grouped.push(code);
    else byStatus.set(statusOf(code), [code]);
  }
  const responses: Record<number, ErrorResponse> = {};
  for (const [status, grouped] of byStatus) {
    responses[status] = {
      description: grouped.map((code) => `\`${code}\`: ${ERRORS[code].meaning}`).join("; "),
      ...(grouped.some((code) => TELLS_RETRY_AFTER.has(code)) ? { headers: RETRY_AFTER } : {}),
      "x-error-codes": grouped,
      content: { "application/json": { schema: errorSchemaOf(grouped) } },
    };
  }
  return responses;
}
