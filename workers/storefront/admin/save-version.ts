import { databaseSettings } from "../../../src/config.ts";
import { type Database, withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { redactSecrets } from "../../../src/redact.ts";

/** How one kind of versioned configuration is audited and stored. */
export interface VersionSave {
  /** What it is, for messages: `experiment "x"`, `coupon "y"`. */
  what: string;
  /** Appends the audit row inside the transaction. */
  audit: (tx: Pick<Database, "insert">) => Promise<void>;
  /** Writes the version to KV (history, then current). */
  store: () => Promise<void>;
  /** The unique constraint two saves of one version meet on. */
  sameVersionConstraint: string;
  /** The version KV holds now, for the loser of a race. */
  currentVersion: () => Promise<number | undefined>;
  /** The version being saved, when nothing better is known. */
  version: number;
  /** The whole entry, logged when the commit fails after KV took it (to be replayed). */
  entry: unknown;
}

/**
 * Saves a version of marketer-edited configuration (experiments, coupon templates), audited,
 * with nothing half written:
 *
 * 1. In one Postgres transaction, the audit row goes in first. Its (…, version) key is where
 *    two saves from the same version meet: the second waits for the first to commit, then is
 *    refused (409 `conflict`) before it has touched KV. Postgres unreachable: 503, nothing
 *    written.
 * 2. Still inside the transaction, KV gets the version (history, then current). A failed KV
 *    write rolls the audit row back: 503, nothing saved.
 * 3. The commit. Should it fail after KV took the version, the version stands unaudited, and
 *    the entry is logged whole to be replayed (as a sale's audit is).
 */
export async function saveVersion(env: Env, save: VersionSave): Promise<void> {
  let stored = false;
  try {
    await withDatabase(databaseSettings(env), (db) =>
      db.transaction(async (tx) => {
        await save.audit(tx);
        await save.store().catch((error: Error) => {
          throw new AppError(
            "dependency_unavailable",
            `KV did not take the ${save.what}, so nothing was saved: ${redactSecrets(error.message)}`,
          );
        });
        stored = true;
      }),
    );
  } catch (error) {
    if (error instanceof AppError) throw error;
    const failure = describeDatabaseFailure(error);
    if (failure.constraint === save.sameVersionConstraint) {
      throw new AppError("conflict", `${save.what} was saved by someone else meanwhile; read it again`, {
        version: (await save.currentVersion()) ?? save.version,
      });
    }
    if (!stored) {
      console.error(`${save.what}: Postgres failed (${failure.summary})`);
      throw new AppError("dependency_unavailable", "the audit log (Postgres) is unreachable, so nothing was saved; try again shortly");
    }
    console.error(`${save.what}: audit commit failed after KV took the version (${failure.summary}); entry: ${JSON.stringify(save.entry)}`);
  }
}
