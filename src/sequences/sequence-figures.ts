import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { sequenceEnrolments, sequenceSends } from "../db/schema.ts";

/** A sequence's enrolments and sends (issue 17), as the console's Follow-ups view shows them. */
export interface SequenceFigures {
  enrolled: number;
  active: number;
  completed: number;
  exited: number;
  /** Exits by reason: `purchase`, `segment_left`. */
  exitReasons: Record<string, number>;
  /** Per step (0-based): messages sent, and enrolments that ended before it went out. */
  steps: Array<{ step: number; sent: number; exitedBefore: number }>;
}

/**
 * Counts over every version of the sequence, in two statements: the enrolments by status
 * (and the exited by the step they were waiting for), the sends by step.
 */
export async function sequenceFigures(db: Pick<Database, "execute">, sequenceId: string, stepCount: number): Promise<SequenceFigures> {
  const { rows: enrolments } = await db.execute<{ status: string; exit_reason: string | null; next_step: number; n: string | number }>(sql`
    select status, exit_reason, next_step, count(*) as n from ${sequenceEnrolments}
    where sequence_id = ${sequenceId}
    group by status, exit_reason, next_step`);
  const { rows: sends } = await db.execute<{ step: number; n: string | number }>(sql`
    select s.step, count(*) as n from ${sequenceSends} s join ${sequenceEnrolments} e on e.id = s.enrolment_id
    where e.sequence_id = ${sequenceId}
    group by s.step`);
  const figures: SequenceFigures = { enrolled: 0, active: 0, completed: 0, exited: 0, exitReasons: {}, steps: [] };
  const steps = Math.max(stepCount, ...sends.map((s) => s.step + 1));
  figures.steps = Array.from({ length: steps }, (_, step) => ({ step, sent: 0, exitedBefore: 0 }));
  for (const row of enrolments) {
    const n = Number(row.n);
    figures.enrolled += n;
    if (row.status === "active") figures.active += n;
    if (row.status === "completed") figures.completed += n;
    if (row.status === "exited") {
      figures.exited += n;
      const reason = row.exit_reason ?? "unknown";
      figures.exitReasons[reason] = (figures.exitReasons[reason] ?? 0) + n;
      const step = figures.steps[row.next_step];
      if (step) step.exitedBefore += n;
    }
  }
  for (const row of sends) figures.steps[row.step]!.sent += Number(row.n);
  return figures;
}
