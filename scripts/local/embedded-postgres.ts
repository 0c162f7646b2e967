import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
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
  // PGlite runs one query at a time; the socket server queues queries from many
  // connections so the Worker's pool and the scripts can share it.
  const server = new PGLiteSocketServer({ db, host, port: options.port, maxConnections: 64 });
  await server.start();
  const port = Number(new URL(`postgres://${server.getServerConn()}`).port);
  return {
    port,
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
