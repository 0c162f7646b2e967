import type { Database } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { newStaffAccountId, storeScopeProblems, type StaffAccount } from "./account.ts";
import { findAccountById, insertAccount, updateAccount, type AccountChanges } from "./account-store.ts";
import { generateApiKey, hashApiKey, type ApiKeyRecord } from "./api-key.ts";
import { insertApiKey } from "./api-key-store.ts";
import type { AccountPatch, NewAccount, NewApiKey } from "./inputs.ts";
import { hashPassword } from "./password.ts";

/**
 * Managing staff (issue 11), the same for the admin API and `npm run staff`: making and
 * changing accounts, setting passwords, making API keys. Inputs arrive validated
 * (./inputs.ts); `now` is the server clock in ms.
 */

/** A new account; its sessions count from its creation. 409 `conflict` when the email has one. */
export async function createAccount(db: Database, input: NewAccount, now: number): Promise<StaffAccount> {
  return insertAccount(db, {
    id: newStaffAccountId(),
    email: input.email,
    name: input.name,
    role: input.role,
    stores: input.stores,
    passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    disabledAt: null,
    sessionsValidAfter: now,
    createdAt: now,
  });
}

/**
 * Changes role, stores, name, or whether the account is disabled; null when there is no
 * such account. A role that is no longer store staff drops its stores unless new ones are
 * given (and then they are refused: only store staff have stores). Disabling ends every
 * session at once; disabling a disabled account changes nothing, so a retry is harmless.
 * Enabling does not bring old sessions back.
 */
export async function changeAccount(db: Database, id: string, patch: AccountPatch, now: number): Promise<StaffAccount | null> {
  const current = await findAccountById(db, id);
  if (!current) return null;
  const role = patch.role ?? current.role;
  const stores = patch.stores ?? (role === "store_staff" ? current.stores : []);
  const problems = storeScopeProblems(role, stores);
  if (problems.length > 0) throw new AppError("invalid_request", `invalid change: ${problems.join("; ")}`, { problems });
  const changes: AccountChanges = { role, stores };
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.disabled === true && current.disabledAt === null) Object.assign(changes, { disabledAt: now, sessionsValidAfter: now });
  if (patch.disabled === false) changes.disabledAt = null;
  return updateAccount(db, id, changes);
}

/** Sets a new password (already checked against the policy) and ends every session of the account. */
export async function setPassword(db: Database, id: string, password: string, now: number): Promise<StaffAccount | null> {
  return updateAccount(db, id, { passwordHash: await hashPassword(password), sessionsValidAfter: now });
}

/** A new API key: the record stored, and the key itself, which exists nowhere else and is shown once. */
export async function createApiKey(
  db: Database,
  input: NewApiKey,
  createdBy: string,
  now: number,
): Promise<{ record: ApiKeyRecord; key: string }> {
  const { id, key } = generateApiKey();
  const record = await insertApiKey(db, {
    id,
    name: input.name,
    role: input.role,
    stores: input.stores,
    secretHash: await hashApiKey(key),
    createdBy,
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
  });
  return { record, key };
}
