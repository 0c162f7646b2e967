import { type Database, type DatabaseSettings, openDatabase } from "../../src/db/client.ts";
import { redactSecrets } from "../../src/redact.ts";

/** A Node job draining a Postgres work queue (invoice reader, creative renderer, lookalike job). */
export interface QueueJob {
  stop: () => Promise<void>;
}

/**
 * Runs `pass` every `intervalMs`, and at once again while a pass found work, until stopped. A
 * pass that throws is logged (secrets redacted) and tried again at the next interval: the rows
 * it had leased are leased again when their lease runs out. `close` releases what the job
 * holds besides its database (an OCR worker).
 */
export function startQueuePasses(
  settings: DatabaseSettings,
  name: string,
  pass: (db: Database) => Promise<number>,
  options: { intervalMs?: number; close?: () => Promise<void> } = {},
): QueueJob {
  const { db, close } = openDatabase(settings);
  const intervalMs = options.intervalMs ?? 2000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    let found = 0;
    try {
      found = await pass(db);
    } catch (error) {
      console.error(`${name} pass failed: ${redactSecrets((error as Error).message)}`);
    }
    if (!stopped) timer = setTimeout(run, found > 0 ? 0 : intervalMs);
  };
  timer = setTimeout(run, 0);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await options.close?.();
      await close();
    },
  };
}

/**
 * When the module at `moduleUrl` is the process's entry point (`npm run …`): starts the job on
 * DATABASE_URL (exit 2 with `needs` when it is not set), says what it does, and stops it cleanly
 * on SIGINT or SIGTERM.
 */
export function runQueueJobAsMain(
  moduleUrl: string,
  start: (settings: DatabaseSettings) => QueueJob,
  words: { needs: string; running: string },
): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(`DATABASE_URL is not set: ${words.needs}`);
    process.exit(2);
  }
  const job = start({ url, localWsProxy: process.env.NEON_WS_PROXY });
  console.log(words.running);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void job.stop().then(() => process.exit(0)));
}
