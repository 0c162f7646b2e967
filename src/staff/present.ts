import type { StaffAccount } from "./account.ts";
import type { ApiKeyRecord } from "./api-key.ts";

/**
 * Accounts and keys as the admin API and the CLI show them: never a password hash or a
 * key's hash, times in epoch ms.
 */
export function presentAccount(account: StaffAccount) {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    role: account.role,
    stores: account.stores,
    /** false: signs in through Cloudflare Access only. */
    hasPassword: account.passwordHash !== null,
    disabledAt: account.disabledAt,
    createdAt: account.createdAt,
  };
}

export function presentApiKey(record: ApiKeyRecord) {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    stores: record.stores,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
  };
}

export type PresentedAccount = ReturnType<typeof presentAccount>;
export type PresentedApiKey = ReturnType<typeof presentApiKey>;
