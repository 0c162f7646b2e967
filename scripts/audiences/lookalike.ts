/**
 * The lookalike job (issue 18): a Node process that builds queued lookalike audiences. It leases
 * `queued` rows of `lookalike_audiences` (`for update skip locked`, `claimed_at`; a lease of a job
 * that died is taken again after 10 minutes), reads the pool's facts from Postgres (events, paid
 * orders, RFM scores), resolves the seed, scores every non-seed shopper by the kNN vote of
 * src/audiences/lookalike.ts and writes the members, reporting progress as it goes.
 *
 * `npm start` runs one in-process; in production it runs as its own service
 * (`DATABASE_URL=… npm run audiences:lookalike`): the pool is read whole into memory and scored
 * in one pass, work for Node next to Postgres, not for a Worker's 128 MB and CPU limits.
 */
import {
  leaseQueuedAudiences,
  markFailed,
  readPool,
  saveBuilt,
  seedOf,
  seedShoppers,
  setProgress,
} from "../../src/audiences/audience-store.ts";
import { buildLookalike, holdoutRecall, MIN_SEEDS } from "../../src/audiences/lookalike.ts";
import type { Database, DatabaseSettings } from "../../src/db/client.ts";
import { redactSecrets } from "../../src/redact.ts";
import { type QueueJob, runQueueJobAsMain, startQueuePasses } from "../cli/queue-passes.ts";

export interface PassOptions {
  limit?: number;
  now?: () => number;
  /** These audiences and no others (tests sharing one Postgres). */
  only?: readonly string[];
  /** The pool: these shoppers and no others (tests and a scoped rebuild); else every shopper Postgres knows. */
  pool?: readonly string[];
}

/** One pass: leases up to `limit` queued audiences and builds each. Returns how many were built or failed. */
export async function buildQueuedAudiences(db: Database, options: PassOptions = {}): Promise<number> {
  const now = options.now ?? Date.now;
  let done = 0;
  for (const audience of await leaseQueuedAudiences(db, options.limit ?? 1, now(), { ...(options.only ? { only: options.only } : {}) })) {
    try {
      const seeds = new Set(await seedShoppers(db, seedOf(audience)));
      await setProgress(db, audience.id, 5);
      const pool = await readPool(db, options.pool);
      await setProgress(db, audience.id, 20);
      const inPool = pool.filter((s) => seeds.has(s.shopperId)).length;
      if (inPool < MIN_SEEDS) {
        await markFailed(
          db,
          audience.id,
          `only ${inPool} seeds are shoppers with any behaviour to compare; at least ${MIN_SEEDS} are needed`,
        );
      } else {
        // Progress is written at most every 10 points: a row update per few thousand candidates.
        let written = 20;
        const pending: Promise<void>[] = [];
        const lookalike = buildLookalike(pool, seeds, audience.percentTenths, {
          onProgress: (fraction) => {
            const progress = 20 + Math.floor(fraction * 55);
            if (progress - written >= 10) {
              written = progress;
              pending.push(setProgress(db, audience.id, progress));
            }
          },
        });
        await Promise.all(pending);
        await setProgress(db, audience.id, 80);
        // The estimate: a second build from four-fifths of the seeds (about as long as the first).
        const recall = holdoutRecall(pool, seeds, audience.percentTenths);
        await saveBuilt(db, audience.id, lookalike, now(), recall);
        console.log(
          `lookalike ${audience.id}: ${lookalike.members.length} shoppers from ${lookalike.seeds} seeds in a pool of ${lookalike.poolSize}`,
        );
      }
      done += 1;
    } catch (error) {
      const message = redactSecrets((error as Error).message);
      console.error(`lookalike ${audience.id} not built (attempt ${audience.attempts}): ${message}`);
      if (audience.attempts >= MAX_BUILD_ATTEMPTS) {
        await markFailed(db, audience.id, `not built after ${audience.attempts} attempts: ${message}`);
        done += 1;
      }
    }
  }
  return done;
}

/** Attempts after which an audience that keeps failing is marked failed. */
export const MAX_BUILD_ATTEMPTS = 3;

/** Runs passes every `intervalMs` (at once again while a pass found work) until stopped. */
export function startLookalikeJob(settings: DatabaseSettings, intervalMs = 2000): QueueJob {
  return startQueuePasses(settings, "lookalike", (db) => buildQueuedAudiences(db), { intervalMs });
}

runQueueJobAsMain(import.meta.url, startLookalikeJob, {
  needs: "the job builds queued lookalike audiences from Postgres.",
  running: "lookalike job: building queued audiences",
});
