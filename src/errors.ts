import type { ErrorCode } from "./error-codes.ts";

/**
 * The one error type of the domain. Every failure a caller should see carries a stable
 * `code`; codes, their HTTP statuses and their meanings are one table (./error-codes.ts),
 * and the API answers `{ "error": { "code", "message", ...details } }`.
 */
export type { ErrorCode };

/** A detail value: flat on purpose, so it survives JSON and RPC and RPC's types stay shallow. */
export type JsonValue = string | number | boolean | null | string[];

/** A failure as data: what crosses a Durable Object RPC boundary, where thrown classes do not survive. */
export interface Failure {
  code: ErrorCode;
  message: string;
  /** Typed as JSON, not `unknown`: RPC's types drop any branch they cannot serialize. */
  details?: Record<string, JsonValue>;
}

/** The outcome of an operation that can be refused for a reason the caller should see. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export const succeed = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (code: ErrorCode, message: string, details?: Record<string, JsonValue>): { ok: false; error: Failure } => ({
  ok: false,
  error: details ? { code, message, details } : { code, message },
});

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable fields a client may act on (for example `startsAt`). */
  readonly details: Record<string, JsonValue> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, JsonValue>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }

  static from(failure: Failure): AppError {
    return new AppError(failure.code, failure.message, failure.details);
  }
}

/** The value of a successful result, or the failure thrown as an AppError. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw AppError.from(result.error);
  return result.value;
}
