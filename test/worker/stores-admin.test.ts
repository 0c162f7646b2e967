import { describe, expect, it } from "vitest";
import type { Store } from "../../src/stores/store.ts";
import { admin, expectProblems, readError } from "./admin-support.ts";
import { withPostgres } from "./postgres-support.ts";
import { CSV_HEADER, createStore, csvRow, draftStore, importCsv, storeId } from "./stores-support.ts";

type AuditEntry = {
  action: string;
  actor: string;
  version: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
};

async function storesInPostgres(ids: string[]): Promise<string[]> {
  return withPostgres(async (pool) =>
    (await pool.query<{ id: string }>("select id from stores where id = any($1) order by id", [ids])).rows.map((r) => r.id),
  );
}

describe("stores through the admin API (issue 15)", () => {
  it("creates (hours as text), reads, lists, replaces, deactivates, and audits each change", async () => {
    const draft = draftStore();
    const created = await admin("/stores", { body: draft, actor: encodeURIComponent("王芳") });
    expect(created.status).toBe(201);
    const { store } = await created.json<{ store: Store }>();
    expect(store).toMatchObject({
      id: draft.id,
      active: true,
      openingHours: { mon: ["10:00-22:00"], sun: ["09:30-22:30"], wed: ["10:00-22:00"] },
    });
    expect((await (await admin(`/stores/${draft.id}`)).json<{ store: Store }>()).store).toEqual(store);
    expect((await (await admin("/stores")).json<{ stores: Store[] }>()).stores).toContainEqual(store);

    const again = await admin("/stores", { body: draft });
    expect(again.status).toBe(409);
    expect((await readError(again)).code).toBe("conflict");

    const moved = await admin(`/stores/${draft.id}`, {
      method: "PUT",
      body: { ...store, id: undefined, name: "静安新店", latitude: 31.23 },
    });
    expect(moved.status).toBe(200);
    expect((await moved.json<{ store: Store }>()).store).toMatchObject({ name: "静安新店", latitude: 31.23 });

    const closed = await admin(`/stores/${draft.id}/deactivate`, { method: "POST", headers: { "Content-Type": "application/json" } });
    expect(await closed.json()).toMatchObject({ store: { active: false }, changed: true });
    expect(await (await admin(`/stores/${draft.id}/deactivate`, { method: "POST" })).json()).toMatchObject({ changed: false });
    expect(await storesInPostgres([draft.id])).toEqual([draft.id]); // never deleted

    const { entries } = await (await admin(`/stores/${draft.id}/audit`)).json<{ entries: AuditEntry[] }>();
    expect(entries.map((e) => [e.action, e.version])).toEqual([
      ["deactivate", 3],
      ["update", 2],
      ["create", 1],
    ]);
    expect(entries[2]).toMatchObject({ actor: "王芳", before: null, after: { id: draft.id, name: "静安旗舰店" } });
    expect(entries[1]?.before).toMatchObject({ name: "静安旗舰店" });
  });

  it("lists every problem of a store at its field, and writes nothing", async () => {
    const id = storeId();
    const refused = await admin("/stores", {
      body: draftStore({ id, name: "", latitude: 95, timeZone: "Mars/Base", openingHours: "mon 10:00-09:00; funday 1:00" }),
    });
    const problems = await expectProblems(refused, ["openingHours", "name", "latitude", "timeZone"]);
    expect(problems.slice(0, 2)).toEqual([
      "openingHours: mon 10:00-09:00: must open before it closes (use 24:00 for midnight)",
      expect.stringMatching(/^openingHours: "funday": days are mon tue wed/),
    ]);
    expect(await storesInPostgres([id])).toEqual([]);
    const wrongId = await admin(`/stores/${id}`, { method: "PUT", body: draftStore() });
    expect(wrongId.status).toBe(404);
  });

  it("imports a CSV in one transaction, upserting by id; a bad row in the middle imports nothing and is named", async () => {
    const [a, b, c] = [storeId("imp"), storeId("imp"), storeId("imp")];
    const bad = await importCsv(
      [CSV_HEADER, csvRow(a), `${b},Bad,Addr,杭州,30.1,200,Asia/Shanghai,daily 10:00-22:00,false`, csvRow(c), csvRow(a)].join("\r\n"),
    );
    expect(bad.status).toBe(400);
    const error = await readError(bad);
    expect(error.code).toBe("invalid_request");
    expect(error.problems).toEqual(["row 3, longitude: must be between −180 and 180", `row 5, id: "${a}" is also on row 2`]);
    expect(await storesInPostgres([a, b, c])).toEqual([]);

    const good = await importCsv(`\uFEFF${[CSV_HEADER, csvRow(a), csvRow(b), csvRow(c)].join("\r\n")}\r\n`);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ created: [a, b, c], updated: [], unchanged: [] });
    const again = await importCsv([CSV_HEADER, csvRow(a, "Renamed"), csvRow(b), csvRow(c)].join("\n"));
    expect(await again.json()).toEqual({ created: [], updated: [a], unchanged: [b, c] });
    expect((await (await admin(`/stores/${a}`)).json<{ store: Store }>()).store.name).toBe("Renamed");
    const { entries } = await (await admin(`/stores/${a}/audit`)).json<{ entries: AuditEntry[] }>();
    expect(entries.map((e) => [e.action, e.version])).toEqual([
      ["import", 2],
      ["import", 1],
    ]);
  });

  it("refuses an import that is not text/csv, too large, or not UTF-8", async () => {
    expect((await importCsv(CSV_HEADER, "application/json")).status).toBe(415);
    const huge = await importCsv(`${CSV_HEADER}\n${"x".repeat(1024 * 1024 + 1)}`);
    expect(huge.status).toBe(413);
    const latin1 = await importCsv(new Uint8Array([0x69, 0x64, 0xe9, 0x0a]) as unknown as string);
    expect(latin1.status).toBe(400);
    expect((await readError(latin1)).code).toBe("invalid_request");
  });

  it("keeps a store's H3 cell while it stays put, and clears it when it moves (the geofence files it again)", async () => {
    const store = await createStore();
    const cell = () =>
      withPostgres(
        async (pool) =>
          (await pool.query<{ h3_cell: string | null }>("select h3_cell from stores where id = $1", [store.id])).rows[0]?.h3_cell,
      );
    expect(await cell()).toBeNull();
    await withPostgres((pool) => pool.query("update stores set h3_cell = '8a309b4a2d7ffff' where id = $1", [store.id]));
    await admin(`/stores/${store.id}`, { method: "PUT", body: { ...store, name: "Renamed" } });
    expect(await cell()).toBe("8a309b4a2d7ffff");
    await admin(`/stores/${store.id}`, { method: "PUT", body: { ...store, latitude: store.latitude + 0.01 } });
    expect(await cell()).toBeNull();
  });

  it("refuses a call without a credential", async () => {
    expect((await admin("/stores", { token: null })).status).toBe(401);
    const store = await createStore();
    expect((await admin(`/stores/${store.id}/staff-tokens`, { token: null, body: { label: "x" } })).status).toBe(401);
  });
});
