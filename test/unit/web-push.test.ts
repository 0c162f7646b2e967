import { createECDH } from "node:crypto";
import * as ece from "http_ece";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBase64url, toBase64url } from "../../src/encoding.ts";
import { encryptPushPayload } from "../../src/push/aes128gcm.ts";
import { pushRequest } from "../../src/push/push-request.ts";
import { importVapidKeys, VAPID_JWT_LIFETIME_SECONDS, vapidProblem } from "../../src/push/vapid.ts";

const b64 = (text: string) => fromBase64url(text) as Uint8Array;

/** RFC 8291 Appendix A, "Push Message Encryption Example". */
const RFC8291 = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  auth: "BTBZMqHH6r4Tts7J_aSIgg",
  body: "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

function ecdhPrivateKey(publicKey: string, d: string): Promise<CryptoKey> {
  const pub = b64(publicKey);
  const jwk = { kty: "EC", crv: "P-256", x: toBase64url(pub.slice(1, 33)), y: toBase64url(pub.slice(33)), d };
  return crypto.subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
}

/** A browser's side of a subscription, with node:crypto: its key pair and auth secret. */
function userAgent() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { ecdh, p256dh: new Uint8Array(ecdh.getPublicKey()), auth: crypto.getRandomValues(new Uint8Array(16)) };
}

describe("Web Push encryption (src/push/aes128gcm.ts, RFC 8291, issue 15)", () => {
  it("reproduces RFC 8291 Appendix A byte for byte from its keys, salt and plaintext", async () => {
    const body = await encryptPushPayload(
      new TextEncoder().encode(RFC8291.plaintext),
      { p256dh: b64(RFC8291.uaPublic), auth: b64(RFC8291.auth) },
      { salt: b64(RFC8291.salt), publicKey: b64(RFC8291.asPublic), privateKey: await ecdhPrivateKey(RFC8291.asPublic, RFC8291.asPrivate) },
    );
    expect(toBase64url(body)).toBe(RFC8291.body);
  });

  it("the RFC's body decrypts with http_ece (the RFC author's implementation) and the user agent's private key", () => {
    const ua = createECDH("prime256v1");
    ua.setPrivateKey(Buffer.from(b64(RFC8291.uaPrivate)));
    const plain = ece.decrypt(Buffer.from(b64(RFC8291.body)), { version: "aes128gcm", privateKey: ua, authSecret: RFC8291.auth });
    expect(plain.toString()).toBe(RFC8291.plaintext);
  });

  it("round-trips any payload with fresh keys through http_ece, and never repeats a ciphertext", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3_000 }), async (plaintext) => {
        const ua = userAgent();
        const first = await encryptPushPayload(plaintext, ua);
        const second = await encryptPushPayload(plaintext, ua);
        expect(toBase64url(first)).not.toBe(toBase64url(second));
        const decrypted = ece.decrypt(Buffer.from(first), { version: "aes128gcm", privateKey: ua.ecdh, authSecret: Buffer.from(ua.auth) });
        expect(new Uint8Array(decrypted)).toEqual(plaintext);
      }),
      { numRuns: 30 },
    );
  });

  it("refuses a payload a push service would refuse (over 4,096 bytes once encrypted)", async () => {
    await expect(encryptPushPayload(new Uint8Array(4_000), userAgent())).rejects.toThrow(RangeError);
  });
});

describe("VAPID (src/push/vapid.ts, RFC 8292, issue 15)", () => {
  async function vapidPair() {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const publicKey = toBase64url(new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer));
    const { d } = await crypto.subtle.exportKey("jwk", pair.privateKey);
    return { publicKey, privateKey: d as string, jwk: await crypto.subtle.exportKey("jwk", pair.publicKey) };
  }

  it("signs an ES256 JWT that jose verifies with the public key: aud the endpoint's origin, exp within 24 h, sub the contact", async () => {
    const pair = await vapidPair();
    const keys = await importVapidKeys(pair.publicKey, pair.privateKey, "mailto:ops@example.com");
    const now = Date.UTC(2026, 10, 27, 8);
    const request = await pushRequest(
      keys,
      {
        endpoint: "https://push.example.net:8443/wpush/v2/abc",
        ...(() => {
          const ua = userAgent();
          return { p256dh: toBase64url(ua.p256dh), auth: toBase64url(ua.auth) };
        })(),
      },
      { title: "t", body: "b", url: "/stores", tag: "geo-s1" },
      now,
    );
    const header = request.headers.get("Authorization") ?? "";
    const [, token, k] = /^vapid t=([^,]+), k=(.+)$/.exec(header) ?? [];
    expect(k).toBe(pair.publicKey);
    expect(decodeProtectedHeader(token as string)).toEqual({ typ: "JWT", alg: "ES256" });
    const { payload } = await jwtVerify(token as string, await importJWK(pair.jwk, "ES256"), {
      audience: "https://push.example.net:8443",
      currentDate: new Date(now),
    });
    expect(payload.sub).toBe("mailto:ops@example.com");
    expect(payload.exp).toBe(now / 1000 + VAPID_JWT_LIFETIME_SECONDS);
    expect((payload.exp as number) - now / 1000).toBeLessThanOrEqual(24 * 3600);
    expect(request.headers.get("Content-Encoding")).toBe("aes128gcm");
    expect(request.headers.get("TTL")).toBe("3600");
    expect(request.headers.get("Urgency")).toBe("normal");
  });

  it("names what is wrong with configured keys", async () => {
    const pair = await vapidPair();
    expect(vapidProblem(pair.publicKey, pair.privateKey, "mailto:ops@example.com")).toBeNull();
    expect(vapidProblem("abc", pair.privateKey, "mailto:ops@example.com")).toMatch(/VAPID_PUBLIC_KEY/);
    expect(vapidProblem(pair.publicKey, "abc", "mailto:ops@example.com")).toMatch(/VAPID_PRIVATE_KEY/);
    expect(vapidProblem(pair.publicKey, pair.privateKey, "ops@example.com")).toMatch(/VAPID_SUBJECT/);
    const other = await vapidPair();
    await expect(importVapidKeys(pair.publicKey, other.privateKey, "mailto:ops@example.com")).rejects.toThrow();
  });
});
