import net from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { startEmbeddedPostgres } from "../../scripts/local/embedded-postgres.ts";
import { startNeonWsProxy } from "../../scripts/local/neon-ws-proxy.ts";
import { PortInUseError, listen } from "../../scripts/local/ports.ts";
import { migrateDatabase } from "../../scripts/migrate.ts";
import { openDatabase, pingDatabase } from "../../src/db/client.ts";

describe("local stack", () => {
  it("reaches the test Postgres through the Neon driver and the WebSocket proxy, and migrations are idempotent", async () => {
    const vars = inject("stackVars");
    const settings = { url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY };
    await migrateDatabase(settings); // global setup already migrated: a second run must change nothing
    const { pool, close } = openDatabase(settings);
    try {
      const { rows } = await pool.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(["order_status_history", "orders"]));
      const applied = await pool.query<{ n: string }>("select count(*) as n from drizzle.__drizzle_migrations");
      expect(Number(applied.rows[0]!.n)).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  it("keeps the embedded Postgres data across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pglite-restart-"));
    try {
      const first = await startEmbeddedPostgres({ port: 0, dataDir });
      let proxy = await startNeonWsProxy({ port: 0, allowedTargets: [`127.0.0.1:${first.port}`] });
      let db = openDatabase({ url: first.url, localWsProxy: proxy.address });
      await db.pool.query("create table kept (value text)");
      await db.pool.query("insert into kept values ('still here')");
      await db.close();
      await proxy.close();
      await first.close();

      const second = await startEmbeddedPostgres({ port: 0, dataDir });
      proxy = await startNeonWsProxy({ port: 0, allowedTargets: [`127.0.0.1:${second.port}`] });
      db = openDatabase({ url: second.url, localWsProxy: proxy.address });
      const { rows } = await db.pool.query<{ value: string }>("select value from kept");
      expect(rows).toEqual([{ value: "still here" }]);
      await db.close();
      await proxy.close();
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("relays only to the allowed Postgres address, never as an open proxy", async () => {
    const proxy = await startNeonWsProxy({ port: 0, allowedTargets: ["127.0.0.1:1"] });
    try {
      const socket = new WebSocket(`ws://${proxy.address}/v2?address=example.com:5432`);
      const closed = await new Promise<CloseEvent>((resolve) => socket.addEventListener("close", resolve));
      expect(closed.code).toBe(1008);
      expect(closed.reason).toContain("not allowed");
      await expect(pingDatabase({ url: "postgres://u:p@127.0.0.1:2/db", localWsProxy: proxy.address })).rejects.toThrow();
    } finally {
      await proxy.close();
    }
  });

  it("says which port is taken instead of throwing EADDRINUSE", async () => {
    const holder = net.createServer();
    const port = await listen(holder, 0, "127.0.0.1", "test holder");
    try {
      const attempt = startNeonWsProxy({ port, allowedTargets: [] });
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(`port ${port} is already in use (Neon WebSocket proxy)`);
    } finally {
      holder.close();
    }
  });
});
