/**
 * Web Push message encryption (issue 15): RFC 8291 over the aes128gcm content coding of
 * RFC 8188, with WebCrypto only, so it runs in the Worker. One record: a push message is at
 * most 4,096 bytes, and the payloads here are a few hundred.
 *
 * Written here rather than taken from a library: @block65/webcrypto-web-push (MIT) runs in
 * workerd, but draws its salt and ephemeral key inside and offers no way to pass them in, so
 * RFC 8291's example (Appendix A) could not be reproduced byte for byte; the tests do exactly
 * that, and round-trip with the RFC author's own `http_ece`.
 */

/** What the browser's PushSubscription hands over: its ECDH public key and auth secret. */
export interface PushTarget {
  /** The user agent's P-256 public key, uncompressed (65 bytes). */
  p256dh: Uint8Array;
  /** The 16-byte authentication secret. */
  auth: Uint8Array;
}

/** The sender's side of one message; fixed only by tests (the RFC's example), random otherwise. */
export interface SenderSecrets {
  salt: Uint8Array;
  /** The ephemeral ECDH pair: its private key, and its public key uncompressed (65 bytes). */
  privateKey: CryptoKey;
  publicKey: Uint8Array;
}

/** The largest body a push service must accept (RFC 8030 §7.2). */
export const MAX_PUSH_BODY_BYTES = 4_096;
const RECORD_SIZE = 4_096;
const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", concat(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, concat(data)));
}

/** HKDF (RFC 5869) with one block of output, all that RFC 8291 asks for (≤ 32 bytes). */
async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const prk = await hmac(salt, ikm);
  return (await hmac(prk, concat(info, Uint8Array.of(1)))).slice(0, length);
}

/** A fresh salt and ephemeral key pair for one message. */
export async function freshSenderSecrets(): Promise<SenderSecrets> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  return {
    salt: crypto.getRandomValues(new Uint8Array(16)),
    privateKey: pair.privateKey,
    publicKey: new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer),
  };
}

/** The encrypted body of a push message: RFC 8188's header (salt, record size, sender key) and one record. */
export async function encryptPushPayload(
  plaintext: Uint8Array,
  target: PushTarget,
  sender?: SenderSecrets,
): Promise<Uint8Array<ArrayBuffer>> {
  const { salt, privateKey, publicKey } = sender ?? (await freshSenderSecrets());
  if (plaintext.length + 2 + 16 + 86 > MAX_PUSH_BODY_BYTES) throw new RangeError(`a push payload of ${plaintext.length} bytes is too long`);
  const uaKey = await crypto.subtle.importKey("raw", concat(target.p256dh), { name: "ECDH", namedCurve: "P-256" }, false, []);
  // The peer's key goes in `public` (WebCrypto); workers-types spells the member `$public`, so build it untyped.
  const ecdh: Parameters<typeof crypto.subtle.deriveBits>[0] = Object.assign({ name: "ECDH" }, { public: uaKey });
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, privateKey, 256));
  // RFC 8291 §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0 || ua_public || as_public, 32).
  const ikm = await hkdf(target.auth, ecdhSecret, concat(encoder.encode("WebPush: info\0"), target.p256dh, publicKey), 32);
  // RFC 8188 §2.2–2.3: the content-encryption key and the nonce (one record: sequence number 0).
  const cek = await hkdf(salt, ikm, encoder.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, encoder.encode("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", concat(cek), "AES-GCM", false, ["encrypt"]);
  // The last (and only) record ends with the delimiter 0x02 and no padding.
  const record = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: concat(nonce) }, key, concat(plaintext, Uint8Array.of(2))),
  );
  const recordSize = new Uint8Array(4);
  new DataView(recordSize.buffer).setUint32(0, RECORD_SIZE);
  return concat(salt, recordSize, Uint8Array.of(publicKey.length), publicKey, record);
}
