import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { adminAuditLog } from "../db/schema.ts";
import type { SaleConfig } from "./sale-config.ts";

/** What a marketer did to a sale's configuration: create, update, pause or resume. */
export type AuditAction = (typeof adminAuditLog.$inferSelect)["action"];

/** One change to a sale, as the audit log records it: who, when, what before and after. */
export interface AuditEntry {
  at: number;
  actor: string;
  action: AuditAction;
  sku: string;
  /** null when the change created the sale. */
  before: SaleConfig | null;
  after: SaleConfig;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

/** Appends one change to the audit log (issue 6: every change is written). */
export async function recordAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db.insert(adminAuditLog).values({ ...entry, at: new Date(entry.at) });
}

/**
 * The latest changes, newest first: of one SKU or of all, at most `limit`, and older than
 * the entry `before` (an id) to page back.
 */
export async function auditTrail(
  db: Database,
  query: { sku?: string | undefined; limit: number; before?: number | undefined },
): Promise<AuditRecord[]> {
  const conditions: SQL[] = [];
  if (query.sku) conditions.push(eq(adminAuditLog.sku, query.sku));
  if (query.before !== undefined) conditions.push(lt(adminAuditLog.id, query.before));
  const rows = await db
    .select()
    .from(adminAuditLog)
    .where(and(...conditions))
    .orderBy(desc(adminAuditLog.id))
    .limit(query.limit);
  return rows.map((row) => ({ ...row, at: row.at.getTime() }));
}
