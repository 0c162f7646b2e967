import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import { ZodType } from "zod";
import { ERROR_CODES, statusOf, type ErrorCode } from "../../../src/error-codes.ts";
import type { AppEnv } from "../app-env.ts";
import { declareErrors } from "./declared-errors.ts";
import { errorResponses } from "./error-responses.ts";
import { contractOf, type ContractMiddleware, type MiddlewareContract, type SecurityRequirement } from "./middleware-contract.ts";
import { refuseInvalid } from "./validation-hook.ts";

/**
 * A route's contract (issue 11, "The contract, once"): the route as @hono/zod-openapi describes
 * it (request schemas, success responses, summary…), and what it can refuse, by error code.
 */
export type RouteContract = Omit<RouteConfig, "middleware" | "security"> & {
  /** Run in order before validation and the handler; each brings its own errors and security (withContract). */
  middleware?: readonly ContractMiddleware[];
  /**
   * The codes the handler can answer with, itself or through what it calls. The middleware's
   * are added, `invalid_request` when the request has schemas, and `internal` always.
   */
  errors?: readonly ErrorCode[];
  /** Who may call it (alternatives); by default what its middleware enforce, else anyone. */
  security?: readonly SecurityRequirement[];
};

/**
 * The route of a contract, for `app.openapi(route, handler)`: its declared errors become its
 * error responses (contract/error-responses.ts) and are recorded on the context for the error
 * handler's check (contract/declared-errors.ts); its middleware run first; its security and the
 * notes of its description are its middleware's. Mistakes a route could make silently are
 * thrown when the module loads.
 */
export function contractRoute<const C extends RouteContract>(contract: C) {
  const { errors = [], middleware = [], security, ...route } = contract;
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const contracts = middleware.map(contractOf);
  const codes = inTableOrder([
    ...contracts.flatMap((c) => c.errors),
    ...(validatesInput(route) ? (["invalid_request"] as const) : []),
    ...errors,
    "internal",
  ]);
  requireBoundedBody(where, route, contracts);
  requireOwnStatuses(where, contract.responses, codes);
  // Typed as the success responses alone: the handler answers those; errors are thrown.
  const responses: C["responses"] = { ...contract.responses, ...errorResponses(codes) };
  const description = [route.description, ...contracts.map((c) => c.note)].filter(Boolean).join("\n\n");
  return createRoute({
    ...route,
    ...(description ? { description } : {}),
    security: [...(security ?? contracts.find((c) => c.security)?.security ?? [])],
    middleware: [declareErrors(codes), ...middleware],
    responses,
    "x-error-codes": codes,
  });
}

/** An app of contracted routes: a request failing a schema is answered `invalid_request` (contract/validation-hook.ts). */
export function contractApp() {
  return new OpenAPIHono<AppEnv>({ defaultHook: refuseInvalid });
}

function inTableOrder(codes: readonly ErrorCode[]): ErrorCode[] {
  return ERROR_CODES.filter((code) => codes.includes(code));
}

/** A route with a query, headers or a body to validate can answer `invalid_request`; path parameters are looked up, not validated. */
function validatesInput(route: Pick<RouteConfig, "request">): boolean {
  return Boolean(route.request?.query || route.request?.headers || route.request?.body);
}

/**
 * A JSON body validated by the route's schema must be read by a middleware first, within a
 * limit (api/request-body.ts): the validator then takes that parse. Without one it would read
 * the body itself, whole, however large.
 */
function requireBoundedBody(where: string, route: Pick<RouteConfig, "request">, contracts: readonly MiddlewareContract[]): void {
  const content = route.request?.body?.content ?? {};
  const validated = Object.entries(content).some(
    ([mediaType, media]) => /json/i.test(mediaType) && media !== undefined && "schema" in media && media.schema instanceof ZodType,
  );
  if (validated && !contracts.some((c) => c.readsJsonBody)) {
    throw new Error(`${where}: a JSON body schema needs a middleware that reads the body within a limit first (shopperWrite)`);
  }
}

/** A success response may not take the status of one of the route's error codes: the two would be one response. */
function requireOwnStatuses(where: string, responses: RouteConfig["responses"], codes: readonly ErrorCode[]): void {
  for (const code of codes) {
    if (String(statusOf(code)) in responses) throw new Error(`${where}: response ${statusOf(code)} is also the status of \`${code}\``);
  }
}
