import { statusOf, type ErrorCode } from "../../../src/error-codes.ts";
import { errorBody } from "../errors.ts";
import { refusals, skuIn, wellFormedKey } from "./edge-verdict.ts";
import { SHOPPER_BODY_LIMIT } from "./request-body.ts";
import { isJsonContentType, isOwnOrigin } from "./validation.ts";

const CHECKOUT_PATH = "/api/checkout";

/**
 * The Worker's front door for a sold-out stampede (issue 12): while the isolate remembers a
 * SKU's object refusing Tries (`sold_out`, `not_started`, `ended`; edge-verdict.ts), a Try for
 * that SKU is answered here, before the router, its middleware and the error handler run, with
 * the very answer the route would give from the same memory (its `edgeVerdict` step): the same
 * status and body. Those steps cost more than the answer; a sold-out sale is where most of a
 * stampede's requests end.
 *
 * Only what the route would answer the same way: a `POST /api/checkout` that passes the
 * route's first checks (JSON content type, its own origin, a declared length within the
 * limit, a well-formed Idempotency-Key, a parsable body naming a SKU) and whose key made no
 * order here. Anything else, and every request while no refusal is remembered (a live sale:
 * nothing is read here), goes to the app as it came; a request whose body was read here goes
 * with that body.
 */
export async function atTheDoor(request: Request): Promise<{ answer: Response; refused: ErrorCode } | { request: Request }> {
  if (request.method !== "POST" || !refusals.anyInForce() || !isCheckout(request.url)) return { request };
  const { headers } = request;
  const key = headers.get("Idempotency-Key") ?? "";
  const declared = Number(headers.get("Content-Length") ?? Number.NaN);
  if (
    !(declared <= SHOPPER_BODY_LIMIT) ||
    !wellFormedKey(key) ||
    !isJsonContentType(headers.get("Content-Type")) ||
    !isOwnOrigin(headers.get("Origin"), request.url)
  ) {
    return { request };
  }
  const text = await request.text();
  const again = () => ({ request: new Request(request, { body: text }) });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return again(); // the route answers malformed JSON
  }
  const sku = skuIn(body);
  const failure = sku === null ? null : refusals.refusalFor(sku, key);
  if (!failure) return again();
  return {
    answer: Response.json(errorBody(failure.code, failure.message, failure.details), { status: statusOf(failure.code) }),
    refused: failure.code,
  };
}

/** Whether a URL's path is the checkout's (a query string is the route's business too). */
function isCheckout(url: string): boolean {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return (
    path >= 0 &&
    url.startsWith(CHECKOUT_PATH, path) &&
    (url.length === path + CHECKOUT_PATH.length || url[path + CHECKOUT_PATH.length] === "?")
  );
}
