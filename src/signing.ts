/**
 * HMAC-SHA256 signed values (`value.base64signature`), the format hono's signed cookies use.
 * The imported key is kept per secret: importing it costs more than the signature itself,
 * and every shopper request verifies one (issue 7: the checkout hot path).
 */
const HMAC = { name: "HMAC", hash: "SHA-256" } as const;
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), HMAC, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

/** `value` with its signature appended. */
export async function sign(value: string, secret: string): Promise<string> {
  const signature = await crypto.subtle.sign(HMAC.name, await keyFor(secret), new TextEncoder().encode(value));
  return `${value}.${btoa(String.fromCharCode(...new Uint8Array(signature)))}`;
}

/** The value of a correctly signed string, else null (constant-time check by WebCrypto). */
export async function verify(signed: string, secret: string): Promise<string | null> {
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = Uint8Array.from(atob(signed.slice(dot + 1)), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
  const ok = await crypto.subtle.verify(HMAC.name, await keyFor(secret), signature, new TextEncoder().encode(value));
  return ok ? value : null;
}
