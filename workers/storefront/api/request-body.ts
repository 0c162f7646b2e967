import type { Context } from "hono";
import { AppError } from "../../../src/errors.ts";

/**
 * Request bodies read with a size limit enforced while reading, so a client cannot make the
 * isolate hold more than the limit whatever it declares.
 *
 * Why not `hono/body-limit`: it checks a declared Content-Length and then lets the body
 * through uncounted, and counts only bodies without one (or chunked). Here a declared length
 * over the limit is refused before a byte is read, and every body is counted as well, so a
 * length that understates the body (possible between Workers, where no HTTP framing holds
 * the body to it) cannot slip past either.
 */

/** What a shopper sends is a few short fields: 16 KiB leaves room and bounds the rest. */
export const SHOPPER_BODY_LIMIT = 16 * 1024;

/**
 * A sale configuration: up to 20 gifts, 12 images, a 4000-character description and its
 * tiers. Even all in 3-byte characters (or escaped as `\uXXXX`) with hundreds of tiers it is
 * well under 256 KiB (test/worker/edge-body-limit.test.ts saves one of ~150 KiB).
 */
export const ADMIN_BODY_LIMIT = 256 * 1024;

/** Bodies already read, by request: a middleware and the handler after it share one read. */
const bodies = new WeakMap<Request, Promise<Uint8Array>>();
/** And parsed: the checkout's turn decodes and parses its body once, not once per step. */
const parsed = new WeakMap<Request, Promise<unknown>>();

/** The request's body, at most `limit` bytes, or 413 `payload_too_large` with nothing more read. */
export function readBody(c: Context, limit: number): Promise<Uint8Array> {
  const request = c.req.raw;
  let body = bodies.get(request);
  if (!body) {
    body = readLimited(request, limit);
    bodies.set(request, body);
  }
  return body;
}

/**
 * The body parsed as JSON. `emptyAs`, when given, is what an empty body means (a shopper's
 * call with nothing to say is `{}`); otherwise an empty body is not JSON. Malformed JSON is
 * 400 `invalid_request`.
 */
export function readJson(c: Context, limit: number, options: { emptyAs?: unknown } = {}): Promise<unknown> {
  // One route reads its body one way: the options are the same for every read of a request.
  let json = parsed.get(c.req.raw);
  if (!json) {
    json = parseJson(c, limit, options);
    parsed.set(c.req.raw, json);
    handToValidators(c, json);
  }
  return json;
}

/**
 * hono's validators, and so the body validator @hono/zod-openapi installs from a route's
 * contract, read the body with `c.req.json()`, which reads the raw request again, whole and
 * uncounted (hono 4.13 caches only the text, and would parse it a second time). From the
 * first bounded read on, this request's `json()` answers with that one parse instead.
 */
function handToValidators(c: Context, json: Promise<unknown>): void {
  c.req.json = <T>() => json as Promise<T>;
}

async function parseJson(c: Context, limit: number, options: { emptyAs?: unknown }): Promise<unknown> {
  const bytes = await readBody(c, limit);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw notJson();
  }
  if (text.trim() === "" && "emptyAs" in options) return options.emptyAs;
  try {
    return JSON.parse(text);
  } catch {
    throw notJson();
  }
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop reading; the rest of the body is never buffered.
      reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(limit: number): AppError {
  return new AppError("payload_too_large", `the request body is larger than this endpoint accepts (${limit} bytes)`, { limit });
}

function notJson(): AppError {
  return new AppError("invalid_request", "the request body is not valid JSON", { problems: ["body: not valid JSON"] });
}
