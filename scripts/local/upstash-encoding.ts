// How Redis replies become the JSON `result` values of the Upstash REST API.
//
// Replies are read from Redis as Buffers so that binary values survive; they only become text
// here, at the edge, in one of the two encodings the Upstash API offers.

import type { IncomingHttpHeaders } from "node:http";

/** A Redis reply as the backends hand it over (RESP2 shapes: bulk/simple strings, integers, nil, arrays). */
export type Reply = Buffer | string | number | null | Reply[];

/** What a reply looks like inside `{"result": ...}`. */
export type JsonReply = string | number | null | JsonReply[];

/** The client (`@upstash/redis`) asks for base64 by default by sending `Upstash-Encoding: base64`. */
export function wantsBase64(headers: IncomingHttpHeaders): boolean {
  const value = headers["upstash-encoding"];
  return typeof value === "string" && value.trim().toLowerCase() === "base64";
}

/**
 * Encodes one command's reply.
 *
 * With base64, every string is base64-encoded, numbers and null stay as they are, and arrays are
 * encoded element by element, except that a top-level "OK" is left as plain "OK": the Upstash docs
 * say so, and the client's decoder special-cases exactly that value (while it base64-decodes every
 * string inside an array unconditionally, so "OK" inside an array must be encoded).
 * Without base64, strings are sent as UTF-8 text, which is lossy for non-UTF-8 bytes, just as on Upstash.
 */
export function encodeResult(reply: Reply, base64: boolean): JsonReply {
  if (base64 && isPlainOk(reply)) return "OK";
  return encodeValue(reply, base64);
}

function encodeValue(reply: Reply, base64: boolean): JsonReply {
  if (reply === null || typeof reply === "number") return reply;
  if (Array.isArray(reply)) return reply.map((item) => encodeValue(item, base64));
  const bytes = typeof reply === "string" ? Buffer.from(reply, "utf8") : reply;
  return base64 ? bytes.toString("base64") : bytes.toString("utf8");
}

function isPlainOk(reply: Reply): boolean {
  if (typeof reply === "string") return reply === "OK";
  return Buffer.isBuffer(reply) && reply.length === 2 && reply.toString("latin1") === "OK";
}
