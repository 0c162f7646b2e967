import { randomBase36, randomBase64url, sha256, toHex } from "../encoding.ts";

/**
 * A store staff token (issue 15): what a till signs in to `/store` with, issued in
 * the console for one store and shown once. `sst_<tokenId>_<secret>`: a 12-character id
 * ([0-9a-z]) to find the token by and name it in lists and in `DELETE …/staff-tokens/{tokenId}`,
 * and 256 random bits (43 base64url characters). Postgres keeps only the SHA-256 of the secret
 * (hex, `store_staff_tokens.secret_hash`): a leaked table signs no till in, and a 256-bit
 * secret needs no slow hash. Like the staff API keys (src/staff/api-key.ts), with a prefix of
 * its own so neither is ever taken for the other.
 */

const TOKEN = /^sst_([0-9a-z]{12})_([A-Za-z0-9_-]{32,128})$/;
export const STAFF_TOKEN_ID = /^[0-9a-z]{12}$/;
const SECRET_BYTES = 32;

export interface StaffTokenParts {
  tokenId: string;
  secret: string;
}

/** A fresh token: its id, secret and the text to show once. */
export function generateStaffToken(): StaffTokenParts & { token: string } {
  const tokenId = randomBase36(12);
  const secret = randomBase64url(SECRET_BYTES);
  return { tokenId, secret, token: `sst_${tokenId}_${secret}` };
}

/** The id and secret of a well-formed token, else null. */
export function parseStaffToken(text: string): StaffTokenParts | null {
  const match = TOKEN.exec(text);
  return match ? { tokenId: match[1] as string, secret: match[2] as string } : null;
}

/** What is stored for a token: SHA-256 of its secret, lowercase hex. */
export async function hashStaffSecret(secret: string): Promise<string> {
  return toHex(await sha256(secret));
}
