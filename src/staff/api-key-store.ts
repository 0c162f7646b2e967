import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { staffApiKeys } from "../db/schema.ts";
import type { ApiKeyRecord } from "./api-key.ts";

/** API keys in Postgres (table `staff_api_keys`, migration drizzle/0004_staff_accounts.sql). */

type Row = typeof staffApiKeys.$inferSelect;

/**
 * How stale `last_used_at` may get: a busy integration would otherwise write a row per
 * request. Minute precision is enough to tell a live key from a forgotten one.
 */
export const LAST_USED_PRECISION_MS = 60_000;

export async function insertApiKey(db: Database, record: ApiKeyRecord): Promise<ApiKeyRecord> {
  const [row] = await db.insert(staffApiKeys).values(toRow(record)).returning();
  return fromRow(row!);
}

export async function findApiKey(db: Database, id: string): Promise<ApiKeyRecord | null> {
  const [row] = await db.select().from(staffApiKeys).where(eq(staffApiKeys.id, id)).limit(1);
  return row ? fromRow(row) : null;
}

/** Every key, revoked ones too, oldest first. */
export async function listApiKeys(db: Database): Promise<ApiKeyRecord[]> {
  const rows = await db.select().from(staffApiKeys).orderBy(asc(staffApiKeys.createdAt), asc(staffApiKeys.id));
  return rows.map(fromRow);
}

/**
 * Revokes a key at `now`; a key revoked already keeps its first revocation time, so a retry
 * changes nothing. Null when there is no such key.
 */
export async function revokeApiKey(db: Database, id: string, now: number): Promise<{ record: ApiKeyRecord; changed: boolean } | null> {
  const [revoked] = await db
    .update(staffApiKeys)
    .set({ revokedAt: new Date(now) })
    .where(and(eq(staffApiKeys.id, id), isNull(staffApiKeys.revokedAt)))
    .returning();
  if (revoked) return { record: fromRow(revoked), changed: true };
  const existing = await findApiKey(db, id);
  return existing ? { record: existing, changed: false } : null;
}

/** Records that a key was used at `now`, unless it was recorded within the last minute. */
export async function touchApiKey(db: Database, id: string, now: number): Promise<void> {
  await db
    .update(staffApiKeys)
    .set({ lastUsedAt: new Date(now) })
    .where(
      and(
        eq(staffApiKeys.id, id),
        or(isNull(staffApiKeys.lastUsedAt), lt(staffApiKeys.lastUsedAt, new Date(now - LAST_USED_PRECISION_MS))),
      ),
    );
}

function fromRow(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    stores: row.stores,
    secretHash: row.secretHash,
    createdBy: row.createdBy,
    createdAt: row.createdAt.getTime(),
    lastUsedAt: row.lastUsedAt?.getTime() ?? null,
    revokedAt: row.revokedAt?.getTime() ?? null,
  };
}

function toRow(record: ApiKeyRecord): typeof staffApiKeys.$inferInsert {
  return {
    ...record,
    createdAt: new Date(record.createdAt),
    lastUsedAt: record.lastUsedAt === null ? null : new Date(record.lastUsedAt),
    revokedAt: record.revokedAt === null ? null : new Date(record.revokedAt),
  };
}
