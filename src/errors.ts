/**
 * The one error type of the domain. Every failure a caller should see carries a stable
 * `code`; the HTTP layer maps codes to statuses in one place (workers/storefront/errors.ts)
 * and answers `{ "error": { "code", "message" } }`.
 */
export type ErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "not_found"
  | "conflict"
  | "dependency_unavailable"
  | "internal";

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable fields a client may act on (for example `startsAt`). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
}
