import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { configAuditLog } from "../db/schema.ts";

/** One change to a versioned configuration, as the audit log records it. */
export interface ConfigAuditEntry<T> {
  kind: string;
  key: string;
  at: number;
  actor: string;
  action: string;
  /** null when the change created it. */
  before: T | null;
  after: T & { version: number };
}

export interface ConfigAuditRecord<T> extends ConfigAuditEntry<T> {
  id: number;
  version: number;
}

/** The constraint a second save of one version trips (SQLSTATE 23505). */
export const CONFIG_SAME_VERSION = "config_audit_log_version";

/** Appends one change: the caller's transaction or the database. */
export async function recordConfigChange<T>(db: Pick<Database, "insert">, entry: ConfigAuditEntry<T>): Promise<void> {
  await db.insert(configAuditLog).values({
    ...entry,
    at: new Date(entry.at),
    version: entry.after.version,
    before: entry.before as Record<string, unknown> | null,
    after: entry.after as Record<string, unknown>,
  });
}

/** One configuration's changes, newest first. */
export async function configAuditTrail<T>(db: Database, kind: string, key: string, limit: number): Promise<ConfigAuditRecord<T>[]> {
  const rows = await db
    .select()
    .from(configAuditLog)
    .where(and(eq(configAuditLog.kind, kind), eq(configAuditLog.key, key)))
    .orderBy(desc(configAuditLog.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, at: row.at.getTime(), before: row.before as T | null, after: row.after as T & { version: number } }));
}
