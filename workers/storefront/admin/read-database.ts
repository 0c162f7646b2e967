import { databaseSettings } from "../../../src/config.ts";
import { type Database, withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { withTimeout } from "../../../src/timeout.ts";

/**
 * Borrows Postgres for an admin read (figures, reports, events) that may take at most
 * `timeoutMs`: Postgres that does not answer in time is 503 `dependency_unavailable` naming
 * `what` could not be read, not a hung console; a refusal of the work's own (an AppError) passes.
 */
export async function readDatabase<T>(
  env: Env,
  read: { what: string; log: string; timeoutMs: number },
  work: (db: Database) => Promise<T>,
): Promise<T> {
  try {
    return await withTimeout(withDatabase(databaseSettings(env), work), read.timeoutMs);
  } catch (error) {
    if (error instanceof AppError) throw error;
    console.error(`${read.log}: Postgres did not answer (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", `${read.what} (Postgres) cannot be reached; try again shortly`);
  }
}
