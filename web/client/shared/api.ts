import type { ErrorCode } from "../../../src/errors.ts";
import { t } from "./i18n.ts";

/** An API refusal, with the code the page maps to a message the shopper understands. */
export class ApiError extends Error {
  readonly code: ErrorCode | "network";
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode | "network", status: number, details: Record<string, unknown> = {}) {
    super(t(`error_${code}`));
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/**
 * Calls the shopper API with the session cookie; resolves with JSON or rejects with an ApiError.
 * Every call but a read is sent as JSON, `{}` when it has nothing to say: the API refuses a
 * state-changing call without `Content-Type: application/json` (415), so no HTML form of
 * another site can make one.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const method = (init.method ?? "GET").toUpperCase();
  const reads = method === "GET" || method === "HEAD";
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { ...(reads ? {} : { "Content-Type": "application/json" }), ...init.headers },
      body: reads ? undefined : JSON.stringify(init.body ?? {}),
    });
  } catch {
    throw new ApiError("network", 0);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const { code, message, ...details } = (body as { error?: { code?: ErrorCode; message?: string } }).error ?? {};
    throw new ApiError(code ?? "internal", response.status, { message, ...details });
  }
  return body as T;
}
