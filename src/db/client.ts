import { Client, Pool, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import * as schema from "./schema.ts";

/** Where Postgres is and how to reach it. */
export interface DatabaseSettings {
  /** A Postgres connection string: Neon in production, the embedded or a local server in development. */
  url: string;
  /**
   * Local only: `host:port` of the WebSocket-to-TCP proxy that stands in for Neon's own
   * WebSocket endpoint, so the Worker speaks to a local Postgres through the same driver.
   * Empty or absent in production.
   */
  localWsProxy?: string | undefined;
}

/**
 * Points the Neon driver at the local proxy. Neon terminates TLS at its own WebSocket
 * endpoint; the local proxy is plain `ws://` on loopback, so TLS and the pipelined
 * connect (which assumes Neon's password handling) are turned off there and only there.
 */
function configureDriver(settings: DatabaseSettings): void {
  // With coalescing, the driver defers each write to a timer but closes the socket at once
  // on end(): the Terminate message is then sent after close, which workerd reports as an
  // uncaught "send() after close()". Our statements are few and batched already.
  neonConfig.coalesceWrites = false;
  const proxy = settings.localWsProxy?.trim();
  if (!proxy) return;
  neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/**
 * Opens a pool and a drizzle handle over it. On Workers a WebSocket cannot outlive the
 * request that opened it, so open one per request (or per Durable Object) and `close()` it.
 */
export function openDatabase(settings: DatabaseSettings) {
  configureDriver(settings);
  const pool = new Pool({ connectionString: settings.url });
  // An idle pooled connection that drops is discarded by the pool; the next query reconnects.
  pool.on("error", () => undefined);
  const db = drizzle({ client: pool, schema });
  return { db, pool, close: () => pool.end() };
}

export type Database = ReturnType<typeof openDatabase>["db"];

/** Runs one query on a fresh connection and closes it: the cheapest real round trip. */
export async function pingDatabase(settings: DatabaseSettings): Promise<void> {
  configureDriver(settings);
  const client = new Client({ connectionString: settings.url });
  // Failures of connect and query reject their promises; the 'error' event only reports a
  // socket dropping while idle (as it does when we hang up), and unheard it would throw.
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("select 1");
  } finally {
    await client.end();
  }
}

/**
 * Opens a connection for one piece of work and closes it when the work settles, whatever
 * the outcome: the one way a request or job borrows Postgres. A failure to close (the
 * socket already gone) is not the work's failure and is ignored.
 */
export async function withDatabase<T>(settings: DatabaseSettings, work: (db: Database) => Promise<T>): Promise<T> {
  const { db, close } = openDatabase(settings);
  try {
    return await work(db);
  } finally {
    await close().catch(() => undefined);
  }
}
