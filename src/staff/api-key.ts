import { constantTimeEqual, randomBase36, randomBase64url, sha256, toHex } from "../encoding.ts";
import type { StaffIdentity } from "./identity.ts";
import type { Role } from "./roles.ts";

/**
 * API keys for systems calling the admin API (issue 11): `fsk_<id>_<secret>`, a 16-character
 * id to find the key by and name it in lists, logs and `DELETE /admin/api/api-keys/:id`,
 * and 256 random bits. Only the SHA-256 of the whole key is stored: a leaked table yields
 * no usable key, and unlike a password a 256-bit secret needs no slow hash. The key is
 * shown once, when it is made.
 */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  stores: string[];
  /** SHA-256 of the whole key, hex. */
  secretHash: string;
  /** Who made it: the creator's email or name, or `cli (<user>)`. */
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const KEY = /^fsk_([0-9a-z]{16})_([A-Za-z0-9_-]{43})$/;
export const API_KEY_ID = /^[0-9a-z]{16}$/;

/** A fresh key: its id and the full key, to show once. */
export function generateApiKey(): { id: string; key: string } {
  const id = randomBase36(16);
  return { id, key: `fsk_${id}_${randomBase64url(32)}` };
}

/** Whether a bearer credential is meant as an API key rather than the break-glass token. */
export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith("fsk_");
}

/** The id of a well-formed key, else null. */
export function apiKeyId(key: string): string | null {
  return KEY.exec(key)?.[1] ?? null;
}

/** What is stored for a key: SHA-256 of the whole key, hex. */
export async function hashApiKey(key: string): Promise<string> {
  return toHex(await sha256(key));
}

/** Whether a presented key is the one a record was made for, compared in constant time. */
export async function apiKeyMatches(key: string, record: Pick<ApiKeyRecord, "secretHash">): Promise<boolean> {
  const presented = new TextEncoder().encode(await hashApiKey(key));
  return constantTimeEqual(presented, new TextEncoder().encode(record.secretHash));
}

/** A key may be used until it is revoked. */
export function apiKeyUsable(record: Pick<ApiKeyRecord, "revokedAt">): boolean {
  return record.revokedAt === null;
}

/** Who a key is on a request. */
export function apiKeyIdentity(record: ApiKeyRecord): StaffIdentity {
  return {
    id: record.id,
    name: record.name,
    email: null,
    role: record.role,
    stores: record.role === "store_staff" ? [...record.stores] : [],
    via: "api_key",
  };
}
