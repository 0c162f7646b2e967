import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { crmApiKeys } from "../db/schema.ts";
import type { CrmScope } from "./api-key.ts";

/** A CRM API key as the console and the API see it (never its secret; the hash only here). */
export interface CrmApiKeyRecord {
  id: string;
  label: string;
  scopes: CrmScope[];
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

type Row = typeof crmApiKeys.$inferSelect;
const LAST_USED_PRECISION_MS = 60_000;

function fromRow(row: Row): CrmApiKeyRecord {
  return {
    id: row.id,
    label: row.label,
    scopes: row.scopes as CrmScope[],
    createdAt: row.createdAt.getTime(),
    createdBy: row.createdBy,
    revokedAt: row.revokedAt?.getTime() ?? null,
    lastUsedAt: row.lastUsedAt?.getTime() ?? null,
  };
}

export async function insertCrmKey(db: Database, record: Omit<CrmApiKeyRecord, "revokedAt" | "lastUsedAt">, secretHash: string) {
  const [row] = await db
    .insert(crmApiKeys)
    .values({ ...record, secretHash, createdAt: new Date(record.createdAt) })
    .returning();
  return fromRow(row!);
}

/** The key and its secret's hash, for checking a presented key; null when there is none. */
export async function findCrmKey(db: Database, id: string): Promise<(CrmApiKeyRecord & { secretHash: string }) | null> {
  const [row] = await db.select().from(crmApiKeys).where(eq(crmApiKeys.id, id)).limit(1);
  return row ? { ...fromRow(row), secretHash: row.secretHash } : null;
}

/** Every key, revoked ones too, oldest first. */
export async function listCrmKeys(db: Database): Promise<CrmApiKeyRecord[]> {
  return (await db.select().from(crmApiKeys).orderBy(asc(crmApiKeys.createdAt), asc(crmApiKeys.id))).map(fromRow);
}

/** Revokes a key (a second revocation keeps the first time); null when there is no such key. */
export async function revokeCrmKey(db: Database, id: string, now: number): Promise<CrmApiKeyRecord | null> {
  const [revoked] = await db
    .update(crmApiKeys)
    .set({ revokedAt: new Date(now) })
    .where(and(eq(crmApiKeys.id, id), isNull(crmApiKeys.revokedAt)))
    .returning();
  if (revoked) return fromRow(revoked);
  const existing = await findCrmKey(db, id);
  if (!existing) return null;
  const { secretHash: _, ...record } = existing;
  return record;
}

/** Records that a key was used at `now`, at most once a minute (a busy CRM would otherwise write a row per call). */
export async function touchCrmKey(db: Database, id: string, now: number): Promise<void> {
  await db
    .update(crmApiKeys)
    .set({ lastUsedAt: new Date(now) })
    .where(
      and(eq(crmApiKeys.id, id), or(isNull(crmApiKeys.lastUsedAt), lt(crmApiKeys.lastUsedAt, new Date(now - LAST_USED_PRECISION_MS)))),
    );
}
