import type { Context, MiddlewareHandler } from "hono";
import type { ErrorCode } from "../../../src/error-codes.ts";

/** The errors the matched route declares, set on the context by its first middleware. */
interface Declaration {
  /** `METHOD /path` as the route is registered, e.g. `POST /api/orders/:id/pay`. */
  route: string;
  codes: ReadonlySet<ErrorCode>;
}

declare module "hono" {
  interface ContextVariableMap {
    /** What the matched route's contract declares it can answer (contract/declared-errors.ts). */
    declaredErrors?: Declaration;
  }
}

/** An error answered by a route whose contract does not declare it. */
export interface ContractBreach {
  route: string;
  code: ErrorCode;
}

/** At most this many breaches are kept: the list is for tests and must not grow without bound in production. */
const MAX_BREACHES = 100;

/**
 * Every contract breach this isolate has seen, oldest first. A test sweeps hostile requests over
 * every route and expects none (test/worker/contract-errors.test.ts).
 */
export const contractBreaches: ContractBreach[] = [];

/** The first middleware of every contracted route: records what the route declares on the context. */
export function declareErrors(codes: readonly ErrorCode[]): MiddlewareHandler {
  const declared = new Set(codes);
  return async (c, next) => {
    c.set("declaredErrors", { route: `${c.req.method} ${c.req.routePath}`, codes: declared });
    await next();
  };
}

/**
 * Called by the error handler for every error it answers: an answer the route's contract does
 * not declare is a breach of it, logged and kept. Requests no contracted route matched (pages,
 * unknown paths) declare nothing and are not checked.
 */
export function checkDeclared(c: Context, code: ErrorCode): void {
  const declared = c.get("declaredErrors");
  if (!declared || declared.codes.has(code)) return;
  console.error(`contract breach: ${declared.route} answered ${code}, which its contract does not declare`);
  contractBreaches.push({ route: declared.route, code });
  if (contractBreaches.length > MAX_BREACHES) contractBreaches.shift();
}
