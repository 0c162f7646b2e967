import { constantTimeEqual, fromBase64url, randomBase64url, toBase64url } from "../encoding.ts";

/**
 * Staff passwords, hashed with PBKDF2-HMAC-SHA256 through WebCrypto, which Node and workerd
 * both have (issue 11). Stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url),
 * so the parameters travel with each hash: raising the default later re-hashes an account
 * at its next sign-in (`rehash`) while older hashes keep verifying.
 *
 * Why 100,000 iterations, below OWASP's 600,000: Cloudflare's runtime refuses PBKDF2 above
 * 100,000 ("Pbkdf2 failed: iteration counts above 100000 are not supported", workerd's
 * `checkPbkdfIterations` in io/limit-enforcer.h). The open-source workerd behind
 * `wrangler dev` and the tests lifts that cap (it derives 600,000 without complaint), so a
 * higher count would pass every local test and fail every production sign-in: the cap is
 * enforced here instead. A long minimum length and the sign-in rate limit make up for it.
 */
export const PBKDF2_MAX_ITERATIONS = 100_000;
/** Below this a stored hash is treated as damaged rather than verified cheaply. */
export const PBKDF2_MIN_ITERATIONS = 10_000;
export const PBKDF2_ITERATIONS = PBKDF2_MAX_ITERATIONS;

const SCHEME = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BYTES = 32;

export const PASSWORD_MIN_LENGTH = 12;
/** An upper bound keeps the work per sign-in bounded whatever a client sends. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * What is wrong with a new password, one message each (empty when it may be used). Length
 * is what matters (NIST SP 800-63B): no composition rules, only a floor, a ceiling, and not
 * one or two characters repeated.
 */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  const characters = [...normalize(password)];
  if (characters.length < PASSWORD_MIN_LENGTH) problems.push(`at least ${PASSWORD_MIN_LENGTH} characters`);
  if (characters.length > PASSWORD_MAX_LENGTH) problems.push(`at most ${PASSWORD_MAX_LENGTH} characters`);
  if (characters.length >= PASSWORD_MIN_LENGTH && new Set(characters).size < 3) problems.push("not one or two characters repeated");
  return problems;
}

/** A strong password to hand out once: 120 random bits in 20 characters. */
export function generatePassword(): string {
  return randomBase64url(15);
}

/** A stored hash of `password` with a fresh random salt. */
export async function hashPassword(password: string, iterations: number = PBKDF2_ITERATIONS): Promise<string> {
  if (!Number.isInteger(iterations) || iterations < PBKDF2_MIN_ITERATIONS || iterations > PBKDF2_MAX_ITERATIONS) {
    throw new RangeError(`PBKDF2 iterations must be ${PBKDF2_MIN_ITERATIONS}-${PBKDF2_MAX_ITERATIONS}`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return [SCHEME, iterations, toBase64url(salt), toBase64url(hash)].join("$");
}

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with weaker parameters than today's: store a new one now the password is known. */
  rehash: boolean;
}

/**
 * Whether `password` matches a stored hash, compared in constant time. A hash that cannot
 * be read, or whose parameters are out of bounds (tampered, or above what Cloudflare
 * allows), matches nothing and costs no derivation.
 */
export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const parsed = parseHash(stored);
  if (!parsed) return { ok: false, rehash: false };
  const derived = await derive(password, parsed.salt, parsed.iterations, parsed.hash.length);
  const ok = constantTimeEqual(derived, parsed.hash);
  return { ok, rehash: ok && parsed.iterations < PBKDF2_ITERATIONS };
}

/**
 * A well-formed hash of no password at all, at today's parameters: an unknown email is
 * checked against it, so that answering "wrong email or password" takes as long for an
 * address with no account as for a wrong password.
 */
export const DUMMY_PASSWORD_HASH = [
  SCHEME,
  PBKDF2_ITERATIONS,
  toBase64url(new Uint8Array(SALT_BYTES)),
  toBase64url(new Uint8Array(HASH_BYTES)),
].join("$");

function parseHash(stored: string): { iterations: number; salt: Uint8Array; hash: Uint8Array } | null {
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== SCHEME || !/^[1-9][0-9]{0,9}$/.test(parts[1]!)) return null;
  const iterations = Number(parts[1]);
  if (iterations < PBKDF2_MIN_ITERATIONS || iterations > PBKDF2_MAX_ITERATIONS) return null;
  const salt = fromBase64url(parts[2]!);
  const hash = fromBase64url(parts[3]!);
  if (!salt || salt.length < SALT_BYTES || !hash || hash.length !== HASH_BYTES) return null;
  return { iterations, salt, hash };
}

/** The same text, however a keyboard composed it (NFKC, as SP 800-63B advises). */
function normalize(password: string): string {
  return password.normalize("NFKC");
}

async function derive(password: string, salt: Uint8Array, iterations: number, bytes: number = HASH_BYTES): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(normalize(password)), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}
