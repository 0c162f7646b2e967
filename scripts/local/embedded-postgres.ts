import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { startPgliteWireServer } from "./pglite-wire-server.ts";
import { assertPortFree } from "./ports.ts";

export interface EmbeddedPostgres {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * PGlite (Postgres compiled to WebAssembly) served over the Postgres wire protocol, so
 * every client, the Neon driver included, talks to it as to a real server. `dataDir`
 * keeps the data across restarts; omit it for a throwaway in-memory database.
 */
export async function startEmbeddedPostgres(options: { port: number; host?: string; dataDir?: string }): Promise<EmbeddedPostgres> {
  const host = options.host ?? "127.0.0.1";
  // Check first: PGlite takes seconds to boot, and a taken port should fail before that.
  if (options.port !== 0) await assertPortFree(options.port, host, "embedded Postgres");
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? "memory://");
  // PGlite is one session; the server lets the Worker's pool and the scripts share it by
  // taking turns a whole extended-query batch or transaction at a time.
  const server = await startPgliteWireServer({ db, host, port: options.port, maxConnections: 64 }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const { port } = server;
  return {
    port,
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    async close() {
      await server.close();
      await db.close();
    },
  };
}
