import { randomBase36, randomBase64url, sha256, toHex } from "../encoding.ts";

/**
 * A CRM API key (issue 16): what a CRM calls the inbound API with, created in the console and
 * shown once. `crm_<keyId>_<secret>`: a 12-character id ([0-9a-z]) to find the key by and name
 * it in lists and in `DELETE …/crm/keys/{keyId}`, and 256 random bits (43 base64url
 * characters). Postgres keeps only the SHA-256 of the secret (hex, `crm_api_keys.secret_hash`),
 * like the store staff tokens (src/stores/staff-token.ts), with a prefix of its own so neither
 * is taken for the other. Each key has scopes: what it may do.
 */
export const CRM_SCOPES = ["members:read", "points:write", "benefits:write"] as const;
export type CrmScope = (typeof CRM_SCOPES)[number];

const KEY = /^crm_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/;
export const CRM_KEY_ID = /^[0-9a-z]{12}$/;

export interface CrmKeyParts {
  keyId: string;
  secret: string;
}

/** A fresh key: its id, secret and the text to show once. */
export function generateCrmKey(): CrmKeyParts & { key: string } {
  const keyId = randomBase36(12);
  const secret = randomBase64url(32);
  return { keyId, secret, key: `crm_${keyId}_${secret}` };
}

/** The id and secret of a well-formed key, else null. */
export function parseCrmKey(text: string): CrmKeyParts | null {
  const match = KEY.exec(text);
  return match ? { keyId: match[1] as string, secret: match[2] as string } : null;
}

/** What is stored for a key: SHA-256 of its secret, lowercase hex. */
export async function hashCrmSecret(secret: string): Promise<string> {
  return toHex(await sha256(secret));
}
