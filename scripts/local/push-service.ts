// A local stand-in for a browser's push service (issue 15), speaking the real protocol, so the
// Worker's Web Push is tested end to end over HTTP where no real push service is reachable:
//
//   POST /push/<id>          a push message (RFC 8030 §5): the VAPID Authorization (RFC 8292) is
//                            verified (ES256 signature against `k`, `k` the key the subscription was
//                            made with, `aud` this service's origin, `exp` in the future and at most
//                            24 h ahead, `sub` mailto: or https:), `Content-Encoding: aes128gcm` and
//                            `TTL` are required, and the body is decrypted (RFC 8291) with
//                            http_ece, the RFC author's implementation, with the subscription's
//                            private key: 201 delivered; 410 for an id marked gone; 404 unknown id;
//                            400/401/403 for a bad message, each with its reason.
//
// And what a browser and a test need around it (not part of any RFC):
//   POST /_subscriptions     body {applicationServerKey}: mints a subscription as a browser would
//                            (a P-256 key pair and an auth secret, kept here) -> 201
//                            {endpoint, keys: {p256dh, auth}}
//   GET  /_deliveries/<id>   what was delivered to it: [{payload, ttl, urgency, topic}] (decrypted)
//   GET  /_refusals          every refused message: [{id, status, reason}]
//   POST /_gone/<id>         from now on, pushes to it answer 410 Gone

import { createECDH, randomBytes, randomUUID, type ECDH } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import * as ece from "http_ece";
import { importJWK, jwtVerify } from "jose";
import { listen } from "./ports.ts";

export interface Delivery {
  payload: string;
  ttl: number;
  urgency: string | null;
  topic: string | null;
}

interface Subscription {
  ecdh: ECDH;
  auth: Buffer;
  applicationServerKey: string;
  deliveries: Delivery[];
  gone: boolean;
}

export interface PushService {
  /** This service's origin: what a VAPID JWT's `aud` must be. */
  url: string;
  /** Mints a subscription, as a browser's pushManager.subscribe() would. */
  subscribe(applicationServerKey: string): { id: string; endpoint: string; keys: { p256dh: string; auth: string } };
  deliveries(id: string): Delivery[];
  refusals(): Array<{ id: string; status: number; reason: string }>;
  markGone(id: string): void;
  close(): Promise<void>;
}

const b64u = (bytes: Buffer) => bytes.toString("base64url");
const MAX_BODY_BYTES = 8 * 1024;
const DAY_SECONDS = 24 * 3_600;

class Refusal extends Error {
  status: number;
  constructor(status: number, reason: string) {
    super(reason);
    this.status = status;
  }
}

export async function startPushService(options: { port: number; host?: string }): Promise<PushService> {
  const host = options.host ?? "127.0.0.1";
  const subscriptions = new Map<string, Subscription>();
  const refused: Array<{ id: string; status: number; reason: string }> = [];
  let origin = "";

  const subscribe = (applicationServerKey: string) => {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const id = randomUUID();
    const auth = randomBytes(16);
    subscriptions.set(id, { ecdh, auth, applicationServerKey, deliveries: [], gone: false });
    return { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } };
  };

  async function verifyVapid(header: string | undefined, subscription: Subscription): Promise<void> {
    const match = /^vapid t=([A-Za-z0-9_.-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
    if (!match) throw new Refusal(401, "no `Authorization: vapid t=…, k=…`");
    const token = match[1] ?? "";
    const key = match[2] ?? "";
    if (key !== subscription.applicationServerKey) throw new Refusal(403, "k is not the key the subscription was made with");
    const point = Buffer.from(key, "base64url");
    const jwk = { kty: "EC", crv: "P-256", x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) };
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(token, await importJWK(jwk, "ES256"), { algorithms: ["ES256"], audience: origin }));
    } catch (error) {
      throw new Refusal(403, `VAPID JWT refused: ${(error as Error).message}`);
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== "number" || payload.exp > now + DAY_SECONDS) throw new Refusal(403, "exp missing or more than 24 h ahead");
    if (typeof payload.sub !== "string" || !/^(mailto:|https:)/.test(payload.sub))
      throw new Refusal(403, "sub must be a mailto: or https: URL");
  }

  async function push(id: string, request: IncomingMessage): Promise<number> {
    const subscription = subscriptions.get(id);
    if (!subscription) throw new Refusal(404, "no such subscription");
    if (subscription.gone) return 410;
    await verifyVapid(request.headers.authorization, subscription);
    if (request.headers["content-encoding"] !== "aes128gcm") throw new Refusal(400, "Content-Encoding must be aes128gcm");
    const ttl = Number(request.headers.ttl);
    if (!Number.isInteger(ttl) || ttl < 0) throw new Refusal(400, "TTL header missing");
    const body = await readBody(request);
    let payload: string;
    try {
      payload = ece.decrypt(body, { version: "aes128gcm", privateKey: subscription.ecdh, authSecret: subscription.auth }).toString("utf8");
    } catch (error) {
      throw new Refusal(400, `body does not decrypt: ${(error as Error).message}`);
    }
    const header = (name: string) => (typeof request.headers[name] === "string" ? (request.headers[name] as string) : null);
    subscription.deliveries.push({ payload, ttl, urgency: header("urgency"), topic: header("topic") });
    return 201;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", origin);
    const [, first, id] = url.pathname.split("/");
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(JSON.stringify(value));
    };
    if (request.method === "POST" && first === "push" && id) {
      try {
        const status = await push(id, request);
        response.writeHead(status, status === 201 ? { Location: `${origin}/messages/${randomUUID()}` } : {});
        response.end();
      } catch (error) {
        const status = error instanceof Refusal ? error.status : 500;
        refused.push({ id, status, reason: (error as Error).message });
        json(status, { reason: (error as Error).message });
      }
    } else if (request.method === "POST" && first === "_subscriptions") {
      const { applicationServerKey } = JSON.parse((await readBody(request)).toString("utf8") || "{}") as { applicationServerKey?: string };
      if (!applicationServerKey) return json(400, { reason: "applicationServerKey is required" });
      json(201, subscribe(applicationServerKey));
    } else if (request.method === "GET" && first === "_deliveries" && id) {
      json(200, subscriptions.get(id)?.deliveries ?? []);
    } else if (request.method === "GET" && first === "_refusals") {
      json(200, refused);
    } else if (request.method === "POST" && first === "_gone" && id) {
      const subscription = subscriptions.get(id);
      if (subscription) subscription.gone = true;
      response.writeHead(204).end();
    } else {
      json(404, { reason: "not a push service route" });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ reason: error.message }));
    });
  });
  const port = await listen(server, options.port, host, "local push service");
  origin = `http://${host}:${port}`;
  return {
    url: origin,
    subscribe,
    deliveries: (id) => subscriptions.get(id)?.deliveries ?? [],
    refusals: () => refused,
    markGone: (id) => {
      const subscription = subscriptions.get(id);
      if (subscription) subscription.gone = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Refusal(413, `a push message is at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
