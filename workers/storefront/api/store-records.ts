import { and, desc, eq, inArray, max, sql } from "drizzle-orm";
import type { Database } from "../../../src/db/client.ts";
import { configAuditLog, stores, storeStaffTokens } from "../../../src/db/schema.ts";
import { recordConfigChange } from "../../../src/kv/config-audit.ts";
import { generateStaffToken, hashStaffSecret } from "../../../src/stores/staff-token.ts";
import type { Store } from "../../../src/stores/store.ts";
import { storeOfRow } from "./store-directory.ts";

/**
 * The stores and their staff tokens in Postgres (issue 15): what the admin routes write and the
 * staff-token middleware reads. Every change is audited in `config_audit_log` (kind `store`,
 * keyed by the store's id) in the transaction that makes it: the store before and after, and
 * for a token its record (never its secret nor the secret's hash). A store has no version of
 * its own, so each audit row of a store takes the next number; two writers of one store at once
 * meet on the log's (kind, key, version) key, and the second's transaction is rolled back whole.
 */

export const STORE_AUDIT_KIND = "store";
export type StoreAuditAction = "create" | "update" | "deactivate" | "import" | "issue_staff_token" | "revoke_staff_token";

/** Rows per INSERT: 12 columns each, far below Postgres's 65,535 parameters. */
const CHUNK = 500;

/** Every store, active or not, by id. */
export async function readAllStores(db: Database): Promise<Store[]> {
  return (await db.select().from(stores).orderBy(stores.id)).map(storeOfRow);
}

/** One store, active or not, or null. */
export async function readStore(db: Database, id: string): Promise<Store | null> {
  const [row] = await db.select().from(stores).where(eq(stores.id, id));
  return row ? storeOfRow(row) : null;
}

/** What a write did to the stores it was given. */
export interface StoresWritten {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/**
 * Creates or replaces `list` (by id) in one transaction with their audit rows: all of them or,
 * on any failure, none. A store written as it already was is left alone and not audited.
 * `h3_cell` is left as it is (null for a new store): the geofence's index fills it.
 */
export async function writeStores(
  db: Database,
  list: Store[],
  action: StoreAuditAction,
  actor: string,
  now: number,
): Promise<StoresWritten> {
  return db.transaction(async (tx) => {
    const written: StoresWritten = { created: [], updated: [], unchanged: [] };
    const before = new Map<string, Store>();
    const versions = new Map<string, number>();
    for (const ids of chunks(list.map((store) => store.id))) {
      for (const row of await tx.select().from(stores).where(inArray(stores.id, ids))) before.set(row.id, storeOfRow(row));
      const latest = await tx
        .select({ key: configAuditLog.key, version: max(configAuditLog.version) })
        .from(configAuditLog)
        .where(and(eq(configAuditLog.kind, STORE_AUDIT_KIND), inArray(configAuditLog.key, ids)))
        .groupBy(configAuditLog.key);
      for (const { key, version } of latest) versions.set(key, version ?? 0);
    }
    const changed = list.filter((store) => {
      const was = before.get(store.id);
      const same = was !== undefined && canonical(was) === canonical(store);
      if (!was) written.created.push(store.id);
      else if (same) written.unchanged.push(store.id);
      else written.updated.push(store.id);
      return !same;
    });
    for (const part of chunks(changed)) {
      const at = new Date(now);
      await tx
        .insert(stores)
        .values(part.map((store) => ({ ...store, createdAt: at, updatedAt: at })))
        .onConflictDoUpdate({
          target: stores.id,
          set: {
            name: sql`excluded.name`,
            address: sql`excluded.address`,
            city: sql`excluded.city`,
            latitude: sql`excluded.latitude`,
            longitude: sql`excluded.longitude`,
            timeZone: sql`excluded.time_zone`,
            openingHours: sql`excluded.opening_hours`,
            redeemOnlyWhenOpen: sql`excluded.redeem_only_when_open`,
            active: sql`excluded.active`,
            updatedAt: sql`excluded.updated_at`,
            // A store that moved is no longer in the cell the geofence filed it under.
            h3Cell: sql`case when ${stores.latitude} = excluded.latitude and ${stores.longitude} = excluded.longitude then ${stores.h3Cell} else null end`,
          },
        });
      await tx.insert(configAuditLog).values(
        part.map((store) => {
          const version = (versions.get(store.id) ?? 0) + 1;
          return {
            kind: STORE_AUDIT_KIND,
            key: store.id,
            version,
            at,
            actor,
            action,
            before: (before.get(store.id) as Record<string, unknown> | undefined) ?? null,
            after: { ...store, version },
          };
        }),
      );
    }
    return written;
  });
}

/** A token as lists show it: never its secret nor the secret's hash. */
export interface StaffTokenRecord {
  id: string;
  storeId: string;
  label: string;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}

type TokenRow = typeof storeStaffTokens.$inferSelect;

function tokenRecord(row: TokenRow): StaffTokenRecord {
  return {
    id: row.id,
    storeId: row.storeId,
    label: row.label,
    createdAt: row.createdAt.getTime(),
    createdBy: row.createdBy,
    revokedAt: row.revokedAt?.getTime() ?? null,
  };
}

/** A store's tokens, newest first, revoked ones too (they still name who redeemed what). */
export async function listStaffTokens(db: Database, storeId: string): Promise<StaffTokenRecord[]> {
  const rows = await db
    .select()
    .from(storeStaffTokens)
    .where(eq(storeStaffTokens.storeId, storeId))
    .orderBy(desc(storeStaffTokens.createdAt));
  return rows.map(tokenRecord);
}

/** Issues a token for a store, audited: its record and the token text, to show once. */
export async function issueStaffToken(
  db: Database,
  storeId: string,
  label: string,
  actor: string,
  now: number,
): Promise<{ record: StaffTokenRecord; token: string }> {
  const { tokenId, secret, token } = generateStaffToken();
  const secretHash = await hashStaffSecret(secret);
  const record = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(storeStaffTokens)
      .values({ id: tokenId, storeId, label, secretHash, createdAt: new Date(now), createdBy: actor })
      .returning();
    const issued = tokenRecord(row as TokenRow);
    await auditToken(tx, storeId, "issue_staff_token", actor, now, null, issued);
    return issued;
  });
  return { record, token };
}

/** Revokes a store's token, audited; null when the store has no such token. `changed` is false when it was revoked already. */
export async function revokeStaffToken(
  db: Database,
  storeId: string,
  tokenId: string,
  actor: string,
  now: number,
): Promise<{ record: StaffTokenRecord; changed: boolean } | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(storeStaffTokens)
      .where(and(eq(storeStaffTokens.id, tokenId), eq(storeStaffTokens.storeId, storeId)))
      .for("update");
    if (!row) return null;
    const before = tokenRecord(row);
    if (row.revokedAt !== null) return { record: before, changed: false };
    const [revoked] = await tx
      .update(storeStaffTokens)
      .set({ revokedAt: new Date(now) })
      .where(eq(storeStaffTokens.id, tokenId))
      .returning();
    const record = tokenRecord(revoked as TokenRow);
    await auditToken(tx, storeId, "revoke_staff_token", actor, now, before, record);
    return { record, changed: true };
  });
}

/** What the staff-token middleware needs of a token: its hash, whether it is revoked, its store. */
export interface StaffTokenGrant {
  tokenId: string;
  label: string;
  secretHash: string;
  revoked: boolean;
  store: Store;
}

/** A token by its id, with its store, or null. */
export async function findStaffTokenGrant(db: Database, tokenId: string): Promise<StaffTokenGrant | null> {
  const [row] = await db
    .select()
    .from(storeStaffTokens)
    .innerJoin(stores, eq(storeStaffTokens.storeId, stores.id))
    .where(eq(storeStaffTokens.id, tokenId));
  if (!row) return null;
  const token = row.store_staff_tokens;
  return {
    tokenId: token.id,
    label: token.label,
    secretHash: token.secretHash,
    revoked: token.revokedAt !== null,
    store: storeOfRow(row.stores),
  };
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

async function auditToken(
  tx: Tx,
  storeId: string,
  action: StoreAuditAction,
  actor: string,
  now: number,
  before: StaffTokenRecord | null,
  after: StaffTokenRecord,
): Promise<void> {
  const [latest] = await tx
    .select({ version: max(configAuditLog.version) })
    .from(configAuditLog)
    .where(and(eq(configAuditLog.kind, STORE_AUDIT_KIND), eq(configAuditLog.key, storeId)));
  const version = (latest?.version ?? 0) + 1;
  await recordConfigChange(tx, { kind: STORE_AUDIT_KIND, key: storeId, at: now, actor, action, before, after: { ...after, version } });
}

/** JSON with every object's keys sorted: jsonb gives keys back in an order of its own. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}
