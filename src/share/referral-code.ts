/**
 * Referral codes (issue 14): the short opaque code a share link carries instead of the
 * sharer's shopper id. A shopper id in a URL travels into chats, screenshots and other sites'
 * referrer logs, and whoever holds it can act as that shopper where the id is the credential;
 * the code names the sharer for attribution and nothing else.
 *
 * The code is HMAC-SHA256(secret, shopperId), truncated to 60 bits and written in lowercase
 * base32 (RFC 4648's alphabet, lowercased: a–z and 2–7, no 0/1/8/9 to mistake for o/l/b/g).
 * It is stable (the same shopper always shares the same code, so a link shared twice counts
 * as one sharer) and not reversible: without the secret nobody can tell whose code it is, nor
 * make one for a given shopper.
 *
 * Why 12 characters, not 10: 10 base32 characters are 50 bits, where a million shoppers have
 * about a 1-in-2,000 chance that two share a code; 60 bits make it about 1 in 2 million, and
 * the lookup table's primary key refuses the rare collision rather than crediting the wrong
 * shopper.
 *
 * A code is resolved back to its shopper by a lookup table (Postgres `referral_codes`,
 * src/db/schema.ts), never by computation: the row is written when the shopper first shares
 * (referralCodeRow below), and a landing looks its `ref` up there.
 */
import { sign } from "../signing.ts";

/** Characters in a referral code. */
export const REFERRAL_CODE_LENGTH = 12;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const REFERRAL_CODE = new RegExp(`^[a-z2-7]{${REFERRAL_CODE_LENGTH}}$`);

/** Whether `value` has the shape of a referral code (12 of a–z, 2–7); says nothing of whether it belongs to anyone. */
export function isReferralCode(value: unknown): value is string {
  return typeof value === "string" && REFERRAL_CODE.test(value);
}

/** The first `length` base32 characters of `bytes`, most significant bit first (RFC 4648 §6, lowercase, unpadded). */
function base32(bytes: Uint8Array, length: number): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === length) break;
  }
  return out;
}

/**
 * The referral code of `shopperId` under `secret`. Reuses src/signing.ts's HMAC-SHA256 (and
 * its cache of imported keys) rather than a second HMAC helper.
 */
export async function referralCode(secret: string, shopperId: string): Promise<string> {
  if (secret.length === 0) throw new RangeError("a referral code needs a secret");
  if (shopperId.length === 0) throw new RangeError("a referral code needs a shopper id");
  const signed = await sign(shopperId, secret);
  const mac = Uint8Array.from(atob(signed.slice(signed.lastIndexOf(".") + 1)), (ch) => ch.charCodeAt(0));
  return base32(mac, REFERRAL_CODE_LENGTH);
}

/** A row of `referral_codes`: how a landing's code is resolved to the shopper who shared it. */
export interface ReferralCodeRow {
  code: string;
  shopperId: string;
  createdAt: Date;
}

/** The `referral_codes` row for `shopperId`, made at `now` (epoch ms). */
export async function referralCodeRow(secret: string, shopperId: string, now: number): Promise<ReferralCodeRow> {
  return { code: await referralCode(secret, shopperId), shopperId, createdAt: new Date(now) };
}
