// A local stand-in for Upstash Redis: serves the Upstash REST protocol over HTTP, so that the
// @upstash/redis client works against it exactly as against Upstash, and runs the commands on a real
// Redis (when one answers at `redisUrl`) or else on an in-process store (see upstash-backends.ts).
//
// The protocol, per https://upstash.com/docs/redis/features/restapi and @upstash/redis' HttpClient:
//   POST /              body ["SET","k","v"]            -> 200 {"result": ...}; error reply -> 400 {"error": "ERR ..."}
//   GET|POST /set/k/v   the URL path is the command; a POST body is appended as the last argument and
//                       query parameters after it (POST /set/k?EX=100 with body v is SET k v EX 100)
//   POST /pipeline      body [[...],[...]]              -> 200 [{"result": ...} | {"error": "..."}, ...], commands independent
//   POST /multi-exec    body [[...],[...]]              -> the same, run atomically as MULTI/EXEC
//   Every request needs `Authorization: Bearer <token>` (or the documented `?_token=`), else 401 {"error":"Unauthorized"}.
//   `Upstash-Encoding: base64` asks for base64-encoded strings in results (upstash-encoding.ts).

import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connectRedis, createInProcessBackend, RedisReplyError, type Arg, type Backend, type Command } from "./upstash-backends.ts";
import { listen } from "./ports.ts";
import { encodeResult, wantsBase64 } from "./upstash-encoding.ts";

export interface UpstashGatewayOptions {
  /** 0 picks a free port; `url` reports the real one. */
  port: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** The bearer token clients must send (UPSTASH_REDIS_REST_TOKEN). */
  token: string;
  /** Redis to run commands on; without one, or if none answers there, an in-process store is used. */
  redisUrl?: string;
  log?: (line: string) => void;
}

export interface UpstashGateway {
  /** UPSTASH_REDIS_REST_URL for clients. */
  url: string;
  token: string;
  backend: "redis" | "in-process";
  /** Set when backend is 'redis'. */
  redisUrl?: string;
  close(): Promise<void>;
}

// Refuse absurd bodies instead of buffering them; far above any value a storefront stores.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A request the gateway refuses before it reaches Redis. */
class HttpError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startUpstashGateway(options: UpstashGatewayOptions): Promise<UpstashGateway> {
  const { port, host = "127.0.0.1", token, redisUrl, log = () => {} } = options;
  if (!token) throw new Error("Upstash gateway: the token must not be empty");

  const backend = (redisUrl ? await connectRedis(redisUrl, log) : undefined) ?? createInProcessBackend();
  const server = createServer((request, response) => {
    handle(request, response, backend, token).catch((error: unknown) => sendError(response, error, log));
  });
  let actualPort: number;
  try {
    actualPort = await listen(server, port, host, "Upstash gateway"); // names the port if it is taken
  } catch (error) {
    await backend.close();
    throw error;
  }
  server.on("error", (error) => log(`Upstash gateway: ${error.message}`));

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl(host)}:${actualPort}`,
    token,
    backend: backend.kind,
    redisUrl: backend.kind === "redis" ? redisUrl : undefined,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections(); // clients keep connections alive; don't wait for them to go idle
        });
        await backend.close();
      })()),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, backend: Backend, token: string): Promise<void> {
  const url = new URL(request.url ?? "/", "http://gateway.invalid");
  if (!isAuthorized(request, url, token)) return sendJson(response, 401, { error: "Unauthorized" });

  // The Upstash docs: only HEAD, GET, POST and PUT are allowed, anything else is 405.
  const method = request.method ?? "GET";
  if (!["GET", "HEAD", "POST", "PUT"].includes(method)) {
    response.setHeader("allow", "GET, HEAD, POST, PUT");
    throw new HttpError(405, `Method ${method} is not allowed`);
  }
  const hasBody = method === "POST" || method === "PUT";
  const body = hasBody ? await readBody(request) : Buffer.alloc(0);
  const base64 = wantsBase64(request.headers);
  const path = url.pathname;

  if (path === "/pipeline" || path === "/multi-exec") {
    if (!hasBody) throw new HttpError(404, `Not found: ${method} ${path} (POST a JSON array of commands here)`);
    const commands = parseBatch(parseJson(body));
    const replies = path === "/pipeline" ? await runPipeline(backend, commands) : await backend.transaction(commands);
    return sendJson(
      response,
      200,
      replies.map((reply) => (reply instanceof RedisReplyError ? { error: reply.message } : { result: encodeResult(reply, base64) })),
    );
  }

  let command: Command;
  if (path === "/") {
    if (!hasBody) throw new HttpError(404, `Not found: ${method} / (POST a command such as ["GET","key"], or use /get/key)`);
    command = parseCommand(parseJson(body), "the request body");
  } else {
    command = commandFromUrl(url, body.length > 0 ? body : undefined);
  }
  const reply = await backend.run(command); // a RedisReplyError becomes 400 in sendError
  sendJson(response, 200, { result: encodeResult(reply, base64) });
}

/** Pipeline commands are independent: each gets its own result or error, in order. */
function runPipeline(backend: Backend, commands: Command[]) {
  return Promise.all(
    commands.map((command) =>
      backend.run(command).catch((error: unknown) => {
        if (error instanceof RedisReplyError) return error;
        throw error;
      }),
    ),
  );
}

function isAuthorized(request: IncomingMessage, url: URL, token: string): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
  const presented = bearer ?? url.searchParams.get("_token");
  if (presented === null) return false;
  // Compare digests: equal lengths for timingSafeEqual, and neither the token's content nor its length leaks.
  return timingSafeEqual(sha256(presented), sha256(token));
}

const sha256 = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/** The URL-path form: /set/k/v, with a POST body as the last argument and query parameters after it. */
function commandFromUrl(url: URL, body: Buffer | undefined): Command {
  const segments = url.pathname.slice(1).split("/");
  if (segments.length > 1 && segments.at(-1) === "") segments.pop(); // tolerate a trailing slash
  let args: Arg[];
  try {
    args = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    throw new HttpError(400, "ERR malformed percent-encoding in the URL path");
  }
  if (body) args.push(body); // raw bytes, so binary values survive
  for (const [name, value] of url.searchParams) {
    if (name === "_token") continue;
    args.push(name);
    if (value !== "") args.push(value);
  }
  return args;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "ERR malformed request body: not valid JSON");
  }
}

function parseCommand(value: unknown, where: string): Command {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpError(400, `ERR malformed command in ${where}: expected a non-empty JSON array such as ["SET","key","value"]`);
  }
  return value.map((arg) => {
    if (typeof arg === "string") return arg;
    // @upstash/redis sends numbers and booleans unquoted (EXPIRE k 10, SET k true); Redis sees their text.
    if ((typeof arg === "number" && Number.isFinite(arg)) || typeof arg === "boolean") return String(arg);
    throw new HttpError(400, `ERR malformed command in ${where}: arguments must be strings or numbers, got ${JSON.stringify(arg)}`);
  });
}

function parseBatch(value: unknown): Command[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpError(
      400,
      'ERR malformed request body: expected a non-empty JSON array of commands such as [["SET","k","v"],["GET","k"]]',
    );
  }
  return value.map((command, index) => parseCommand(command, `command ${index + 1}`));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `ERR request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  response.end(json);
}

function sendError(response: ServerResponse, error: unknown, log: (line: string) => void): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof HttpError || error instanceof RedisReplyError) {
    sendJson(response, error instanceof HttpError ? error.status : 400, { error: error.message });
    return;
  }
  // Anything else means the store itself failed (e.g. Redis went away): not the client's fault.
  const message = error instanceof Error ? error.message : String(error);
  log(`Upstash gateway: ${message}`);
  sendJson(response, 500, { error: `ERR Upstash gateway: ${message}` });
}

/** Where a client should connect: a wildcard address is not one, and IPv6 literals need brackets. */
function hostForUrl(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
