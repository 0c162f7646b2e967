import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../src/sales/audit-log.ts";
import {
  admin,
  adminWithEnv,
  auditRows,
  createSale,
  draftSale,
  expectNothingWritten,
  kvState,
  objectConfig,
  readError,
  update,
  type SaleSaved,
} from "./admin-support.ts";

/** Postgres at an address where nothing answers (port 1), as in health-failures.test.ts. */
function unreachablePostgres(): Partial<Env> {
  const url = new URL(env.DATABASE_URL);
  url.port = "1";
  return { DATABASE_URL: url.toString() };
}

describe("admin API: the audit log in Postgres", () => {
  it("writes one row per change: who, when, what before and after", async () => {
    const started = Date.now();
    const { sale } = await createSale({ stock: 40 }, "%E7%8E%8B%E8%8A%B3"); // 王芳, percent-encoded
    const v2 = (await (await update(sale, { stock: 45, title: "Bigger" }, { actor: "li.na@shop" })).json<SaleSaved>()).sale;
    await admin(`/sales/${sale.sku}/pause`, { method: "POST" });
    await admin(`/sales/${sale.sku}/resume`, { method: "POST", actor: "ops lead" });

    const rows = await auditRows(sale.sku);
    expect(rows.map((r) => [r.action, r.actor, r.before?.version ?? null, r.after.version])).toEqual([
      ["create", "王芳", null, 1],
      ["update", "li.na@shop", 1, 2],
      ["pause", "admin", 2, 3],
      ["resume", "ops lead", 3, 4],
    ]);
    expect(rows[0]!.after).toEqual(sale);
    expect(rows[1]).toMatchObject({ before: { stock: 40, title: sale.title }, after: { stock: 45, title: "Bigger" } });
    expect(rows[1]!.after).toEqual(v2);
    expect(rows[2]).toMatchObject({ before: { paused: false }, after: { paused: true } });
    for (const row of rows) {
      expect(row.at.getTime()).toBeGreaterThanOrEqual(started - 1_000);
      expect(row.at.getTime()).toBe(row.after.updatedAt);
    }

    const response = await admin(`/audit?sku=${sale.sku}`);
    expect(response.status).toBe(200);
    const { entries } = await response.json<{ entries: AuditRecord[] }>();
    expect(entries.map((e) => e.action)).toEqual(["resume", "pause", "update", "create"]);
    expect(entries[3]).toMatchObject({ actor: "王芳", before: null, after: { version: 1 } });
    const page = await (await admin(`/audit?sku=${sale.sku}&limit=2&before=${entries[1]!.id}`)).json<{ entries: AuditRecord[] }>();
    expect(page.entries.map((e) => e.action)).toEqual(["update", "create"]);
  });

  it("writes no row for a refused change or for one that changes nothing", async () => {
    const { sale } = await createSale();
    await update(sale, { stock: -3 });
    await update(sale, { title: "stale" }, { expectedVersion: 7 });
    await admin(`/sales/${sale.sku}/resume`, { method: "POST" }); // not paused: nothing to do
    expect((await auditRows(sale.sku)).map((r) => r.action)).toEqual(["create"]);
  });

  it("refuses a save with 503 while Postgres is unreachable, before the object or KV is touched", async () => {
    const draft = draftSale();
    const created = await adminWithEnv(unreachablePostgres(), "/sales", { method: "POST", body: draft });
    expect(created.status).toBe(503);
    expect(await readError(created)).toMatchObject({ code: "dependency_unavailable" });
    await expectNothingWritten(draft.sku);

    const { sale } = await createSale();
    const paused = await adminWithEnv(unreachablePostgres(), `/sales/${sale.sku}/pause`, { method: "POST" });
    expect(paused.status).toBe(503);
    expect(await objectConfig(sale.sku)).toMatchObject({ version: 1, paused: false });
    expect((await kvState(sale.sku)).history).toHaveLength(1);
    expect(await auditRows(sale.sku)).toHaveLength(1);
  });

  it("answers 503 when KV cannot be written after the object took the change: the change stays live and audited, the next save stores it", async () => {
    const { sale } = await createSale({ stock: 10 });
    // KV refusing every write (its limit is one write per second per key); reads still work.
    const failingKv = {
      get: env.SALES.get.bind(env.SALES),
      list: env.SALES.list.bind(env.SALES),
      put: async () => {
        throw new Error("KV PUT failed: 429 Too Many Requests");
      },
    } as unknown as KVNamespace;
    const { version, updatedAt: _at, updatedBy: _by, ...draft } = sale;
    const refused = await adminWithEnv({ SALES: failingKv }, `/sales/${sale.sku}`, {
      method: "PUT",
      body: { ...draft, stock: 20, expectedVersion: version },
    });
    expect(refused.status).toBe(503);
    expect(await readError(refused)).toMatchObject({ code: "dependency_unavailable", version: 2 });
    expect(await objectConfig(sale.sku)).toMatchObject({ version: 2, stock: 20 });
    expect((await kvState(sale.sku)).current).toMatchObject({ version: 1, stock: 10 });
    expect((await auditRows(sale.sku)).map((r) => r.after.version)).toEqual([1, 2]);

    // The console shows the object's version; saving from it writes KV again, whole.
    const shown = await (await admin(`/sales/${sale.sku}`)).json<{ sale: typeof sale; kvVersion: number }>();
    expect(shown).toMatchObject({ sale: { version: 2 }, kvVersion: 1 });
    expect((await update(shown.sale, { stock: 25 })).status).toBe(200);
    expect((await kvState(sale.sku)).current).toMatchObject({ version: 3, stock: 25 });
  });

  it("answers 503 when the audit log cannot be read", async () => {
    const response = await adminWithEnv(unreachablePostgres(), "/audit", { method: "GET" });
    expect(response.status).toBe(503);
    expect((await readError(response)).code).toBe("dependency_unavailable");
  });
});
