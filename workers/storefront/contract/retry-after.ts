/**
 * A route's 429 with its `Retry-After` header in the document (issue 11: staff sign-in; issue 12:
 * the shopper rate limits). Error responses are made from the route's codes
 * (contract/error-responses.ts), each route its own, so the header is added to the one made.
 * Wrap a route that declares `rate_limited`, itself or through a middleware.
 */
export function withRetryAfter<R extends { responses: object }>(route: R, description: string): R {
  const limited = (route.responses as Record<number, { headers?: Record<string, unknown> } | undefined>)[429];
  if (!limited) throw new Error("withRetryAfter: the route declares no 429 (`rate_limited`)");
  limited.headers = { ...limited.headers, "Retry-After": { description, schema: { type: "integer", minimum: 1 } } };
  return route;
}
