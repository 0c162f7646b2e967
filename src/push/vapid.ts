import { fromBase64url, toBase64url } from "../encoding.ts";

/**
 * VAPID (RFC 8292, issue 15): how a push service knows which application server sends a push.
 * Each request carries `Authorization: vapid t=<JWT>, k=<public key>`; the JWT is ES256-signed
 * with the server's P-256 key, names the push service's origin (`aud`), an expiry at most 24 h
 * ahead (`exp`) and a contact (`sub`, mailto: or https:). The key pair comes from the
 * environment (VAPID_PUBLIC_KEY, the uncompressed point; VAPID_PRIVATE_KEY, the 32-byte scalar;
 * both base64url, as `web-push generate-vapid-keys` prints them); without them push is off.
 */
export interface VapidKeys {
  /** base64url of the 65-byte uncompressed public key: what `k=` and the browser's applicationServerKey carry. */
  publicKey: string;
  signingKey: CryptoKey;
  subject: string;
}

/** How long a JWT is valid: well inside RFC 8292's 24 h, so a push service's clock a little ahead still accepts it. */
export const VAPID_JWT_LIFETIME_SECONDS = 12 * 3_600;

/** Why the configured keys cannot be used, or null when they can. */
export function vapidProblem(publicKey: string, privateKey: string, subject: string): string | null {
  const pub = fromBase64url(publicKey);
  if (pub?.length !== 65 || pub[0] !== 4) return "VAPID_PUBLIC_KEY must be base64url of a 65-byte uncompressed P-256 point";
  const d = fromBase64url(privateKey);
  if (d?.length !== 32) return "VAPID_PRIVATE_KEY must be base64url of a 32-byte P-256 private key";
  if (!/^(mailto:.+@.+|https:\/\/.+)$/.test(subject)) return "VAPID_SUBJECT must be a mailto: or https: URL";
  return null;
}

/** The keys as WebCrypto holds them; throws RangeError when they do not fit (vapidProblem says why). */
export async function importVapidKeys(publicKey: string, privateKey: string, subject: string): Promise<VapidKeys> {
  const problem = vapidProblem(publicKey, privateKey, subject);
  if (problem) throw new RangeError(problem);
  const pub = fromBase64url(publicKey) as Uint8Array;
  const jwk: JsonWebKey = {
    kty: "EC",
    crv: "P-256",
    x: toBase64url(pub.slice(1, 33)),
    y: toBase64url(pub.slice(33, 65)),
    d: privateKey,
  };
  // A private key that is not the public key's fails here (WebCrypto checks the point).
  const signingKey = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  return { publicKey, signingKey, subject };
}

const json = (value: unknown) => toBase64url(new TextEncoder().encode(JSON.stringify(value)));

/** The `Authorization` header for a push to `endpoint` at `nowMs`. */
export async function vapidAuthorization(keys: VapidKeys, endpoint: string, nowMs: number): Promise<string> {
  const claims = { aud: new URL(endpoint).origin, exp: Math.floor(nowMs / 1000) + VAPID_JWT_LIFETIME_SECONDS, sub: keys.subject };
  const signingInput = `${json({ typ: "JWT", alg: "ES256" })}.${json(claims)}`;
  // WebCrypto's ECDSA signature is r || s, 64 bytes: exactly JWS's ES256 form (RFC 7518 §3.4).
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keys.signingKey, new TextEncoder().encode(signingInput));
  return `vapid t=${signingInput}.${toBase64url(new Uint8Array(signature))}, k=${keys.publicKey}`;
}

/** A new VAPID key pair, base64url as the environment takes it (local use and tests; production keys are made once and kept). */
export async function generateVapidKeys(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const publicKey = toBase64url(new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer));
  const { d } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  return { publicKey, privateKey: d ?? "" };
}
