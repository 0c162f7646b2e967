import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PushService, startPushService } from "../../scripts/local/push-service.ts";
import { fromBase64url, toBase64url } from "../../src/encoding.ts";
import { pushRequest } from "../../src/push/push-request.ts";
import { generateVapidKeys, importVapidKeys } from "../../src/push/vapid.ts";

/**
 * The local push service (issue 15) is strict where a real one is: what it accepts, the Worker
 * may send to FCM or Mozilla's; what it refuses, they would too.
 */
let service: PushService;
let pair: { publicKey: string; privateKey: string };
const notice = { title: "Bund Flagship is near you", body: "满300减50", url: "/live/l1", tag: "near-bund" };

beforeAll(async () => {
  service = await startPushService({ port: 0 });
  pair = await generateVapidKeys();
});
afterAll(() => service?.close());

async function send(request: Request): Promise<number> {
  const response = await fetch(request);
  await response.body?.cancel();
  return response.status;
}

/** A push whose JWT is signed as given, with our encryption. */
async function withJwt(endpoint: string, keys: { p256dh: string; auth: string }, claims: Record<string, unknown>): Promise<Request> {
  const good = await pushRequest(
    await importVapidKeys(pair.publicKey, pair.privateKey, "mailto:ops@shop.test"),
    { endpoint, ...keys },
    notice,
    Date.now(),
  );
  const point = fromBase64url(pair.publicKey) as Uint8Array;
  const key = await importJWK(
    { kty: "EC", crv: "P-256", x: toBase64url(point.slice(1, 33)), y: toBase64url(point.slice(33)), d: pair.privateKey },
    "ES256",
  );
  const jwt = await new SignJWT(claims).setProtectedHeader({ typ: "JWT", alg: "ES256" }).sign(key);
  const headers = new Headers(good.headers);
  headers.set("Authorization", `vapid t=${jwt}, k=${pair.publicKey}`);
  return new Request(good, { headers });
}

describe("the local push service (scripts/local/push-service.ts)", () => {
  it("accepts the Worker's push (201), and what it decrypts is what was sent", async () => {
    const { id, endpoint, keys } = service.subscribe(pair.publicKey);
    const request = await pushRequest(
      await importVapidKeys(pair.publicKey, pair.privateKey, "mailto:ops@shop.test"),
      { endpoint, ...keys },
      notice,
      Date.now(),
    );
    expect(await send(request)).toBe(201);
    expect(service.deliveries(id)).toEqual([{ payload: JSON.stringify(notice), ttl: 3600, urgency: "normal", topic: "near-bund" }]);
  });

  it("refuses a JWT for another audience, one expiring more than 24 h ahead or already expired, and one without a contact (403)", async () => {
    const { id, endpoint, keys } = service.subscribe(pair.publicKey);
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      { aud: "https://fcm.googleapis.com", exp: now + 3600, sub: "mailto:ops@shop.test" },
      { aud: service.url, exp: now + 25 * 3600, sub: "mailto:ops@shop.test" },
      { aud: service.url, exp: now - 60, sub: "mailto:ops@shop.test" },
      { aud: service.url, exp: now + 3600 },
    ];
    for (const claims of cases) expect(await send(await withJwt(endpoint, keys, claims))).toBe(403);
    expect(await send(await withJwt(endpoint, keys, { aud: service.url, exp: now + 3600, sub: "mailto:ops@shop.test" }))).toBe(201);
    expect(service.deliveries(id)).toHaveLength(1);
  });

  it("refuses a push signed by another key than the subscription's (403), without aes128gcm (400), and answers 410 once gone", async () => {
    const other = await generateVapidKeys();
    const { id, endpoint, keys } = service.subscribe(other.publicKey);
    const request = await pushRequest(
      await importVapidKeys(pair.publicKey, pair.privateKey, "mailto:ops@shop.test"),
      { endpoint, ...keys },
      notice,
      Date.now(),
    );
    expect(await send(request)).toBe(403);
    const mine = service.subscribe(pair.publicKey);
    const plain = await pushRequest(
      await importVapidKeys(pair.publicKey, pair.privateKey, "mailto:ops@shop.test"),
      { endpoint: mine.endpoint, ...mine.keys },
      notice,
      Date.now(),
    );
    const headers = new Headers(plain.headers);
    headers.set("Content-Encoding", "aesgcm");
    expect(await send(new Request(plain, { headers }))).toBe(400);
    service.markGone(mine.id);
    expect(
      await send(
        await pushRequest(
          await importVapidKeys(pair.publicKey, pair.privateKey, "mailto:ops@shop.test"),
          { endpoint: mine.endpoint, ...mine.keys },
          notice,
          Date.now(),
        ),
      ),
    ).toBe(410);
    expect(service.deliveries(id)).toEqual([]);
  });
});
