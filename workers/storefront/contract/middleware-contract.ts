import type { MiddlewareHandler } from "hono";
import type { ErrorCode } from "../../../src/error-codes.ts";
import type { AppEnv } from "../app-env.ts";

/** An OpenAPI security requirement: the name of a security scheme → its scopes. */
export type SecurityRequirement = Record<string, string[]>;

/** What a middleware brings to the contract of every route that runs it. */
export interface MiddlewareContract {
  /** The error codes it can answer with, before the route's handler runs. */
  errors: readonly ErrorCode[];
  /** The security requirements it enforces, as alternatives (OpenAPI `security`); none: it checks no identity. */
  security?: readonly SecurityRequirement[];
  /** What a caller must know of it, added to the description of every route that runs it. */
  note?: string;
  /**
   * It reads the body within a limit and parses it as JSON once (api/request-body.ts), so a
   * body validator after it takes that parse instead of reading the body again, unbounded.
   */
  readsJsonBody?: boolean;
}

export type ContractMiddleware = MiddlewareHandler<AppEnv>;

const contracts = new WeakMap<ContractMiddleware, MiddlewareContract>();

/**
 * Gives a middleware its contract and returns it unchanged: a route that runs it declares its
 * codes and security without naming them again (issue 11: a middleware brings its own codes).
 */
export function withContract<M extends ContractMiddleware>(middleware: M, contract: MiddlewareContract): M {
  contracts.set(middleware, contract);
  return middleware;
}

/**
 * A middleware's contract. Every middleware of a contracted route must have one: what it can
 * answer would otherwise be missing from the route's declared errors.
 */
export function contractOf(middleware: ContractMiddleware): MiddlewareContract {
  const contract = contracts.get(middleware);
  if (!contract) throw new Error(`middleware ${middleware.name || "(anonymous)"} has no contract: give it one with withContract()`);
  return contract;
}
