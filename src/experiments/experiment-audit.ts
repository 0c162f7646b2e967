import { desc, eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { experimentAuditLog } from "../db/schema.ts";
import type { ExperimentConfig } from "./experiment-config.ts";
import type { ExperimentAction } from "./lifecycle.ts";

/** One change to an experiment, as its audit log records it. */
export interface ExperimentAuditEntry {
  at: number;
  actor: string;
  action: ExperimentAction;
  experiment: string;
  /** null when the change created the experiment. */
  before: ExperimentConfig | null;
  after: ExperimentConfig;
}

export interface ExperimentAuditRecord extends ExperimentAuditEntry {
  id: number;
  version: number;
}

/** A transaction or the database. */
type Executor = Pick<Database, "insert">;

/**
 * Appends one change. The (experiment, version) key refuses a second change to the same
 * version (SQLSTATE 23505 on `experiment_audit_log_version`): the caller's conflict.
 */
export async function recordExperimentChange(db: Executor, entry: ExperimentAuditEntry): Promise<void> {
  await db.insert(experimentAuditLog).values({ ...entry, at: new Date(entry.at), version: entry.after.version });
}

/** An experiment's changes, newest first. */
export async function experimentAuditTrail(db: Database, experiment: string, limit: number): Promise<ExperimentAuditRecord[]> {
  const rows = await db
    .select()
    .from(experimentAuditLog)
    .where(eq(experimentAuditLog.experiment, experiment))
    .orderBy(desc(experimentAuditLog.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, at: row.at.getTime() }));
}

/** The constraint a second save of one version trips. */
export const SAME_VERSION_CONSTRAINT = "experiment_audit_log_version";
