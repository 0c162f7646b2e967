/** The route label of a request no route matched (an unknown path): one label, however many paths. */
export const UNMATCHED_ROUTE = "unmatched";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** A method as a label: the ones HTTP defines and routes use, anything else `OTHER`. */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : "OTHER";
}

/** A route as the router registered it: its pattern and its method (`ALL` for middleware). */
export interface MatchedRoute {
  method: string;
  path: string;
}

/**
 * The route label of a request: the pattern of the first route that matched it with a method of
 * its own (middleware match everything, with method `ALL`), e.g. `/api/orders/:id/pay`, never
 * the raw path, so the label set is the set of routes in the code, whatever clients send. No
 * such route is UNMATCHED_ROUTE.
 */
export function routeLabel(matched: readonly MatchedRoute[]): string {
  return matched.find((route) => route.method !== "ALL")?.path ?? UNMATCHED_ROUTE;
}
