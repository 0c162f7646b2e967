import { describe, expect, it } from "vitest";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import { admin, createSale, draftSale, kvState, readError, update, type AdminSale, type SaleSaved } from "./admin-support.ts";
import { seedSale, Shopper } from "./support.ts";

const MINUTE = 60_000;

describe("admin API: sales", () => {
  it("creates a sale at version 1 (201), stored in KV with its first history entry, and refuses it twice (409)", async () => {
    const draft = draftSale();
    const response = await admin("/sales", { body: draft, actor: "li.na" });
    expect(response.status).toBe(201);
    const { sale, snapshot } = await response.json<SaleSaved>();
    expect(sale).toMatchObject({ sku: draft.sku, version: 1, updatedBy: "li.na", paused: false, gifts: [], description: "" });
    expect(sale.updatedAt).toBeGreaterThan(Date.now() - MINUTE);
    expect(snapshot).toMatchObject({ phase: "live", stock: { total: 50, remaining: 50 } });

    const kv = await kvState(draft.sku);
    expect(kv.current).toEqual(sale);
    expect(kv.history).toEqual([`sale-history:${draft.sku}:0000000001`]);

    const again = await admin("/sales", { body: { ...draft, title: "Another" } });
    expect(again.status).toBe(409);
    expect(await readError(again)).toMatchObject({ code: "conflict", version: 1 });
    expect((await kvState(draft.sku)).current?.title).toBe(draft.title);
  });

  it("reads one sale with its live state; an unknown SKU is 404", async () => {
    const { sale } = await createSale();
    await (await Shopper.create()).checkout(sale.sku, 2);
    const response = await admin(`/sales/${sale.sku}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const entry = await response.json<AdminSale>();
    expect(entry).toMatchObject({
      phase: "live",
      kvVersion: 1,
      sale: { version: 1 },
      live: { ordersPlaced: 1, snapshot: { stock: { held: 2 } } },
    });
    expect((await admin("/sales/no-such-sale-here")).status).toBe(404);
    expect((await admin("/sales/NOT%20A%20SKU")).status).toBe(404);
    expect((await update({ ...sale, sku: "no-such-sale-here" }, {})).status).toBe(404);
  });

  it("answers 409 conflict to an update from a version that is no longer current, and to the loser of a race", async () => {
    const { sale } = await createSale();
    expect((await update(sale, { title: "First edit" })).status).toBe(200);

    const stale = await update(sale, { title: "Edit of version 1" });
    expect(stale.status).toBe(409);
    expect(await readError(stale)).toMatchObject({ code: "conflict", version: 2 });

    const current = (await (await admin(`/sales/${sale.sku}`)).json<AdminSale>()).sale;
    const racing = await Promise.all([update(current, { title: "Alice's" }), update(current, { title: "Bob's" })]);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = await racing.find((r) => r.status === 200)!.json<SaleSaved>();
    expect(winner.sale.version).toBe(3);
    expect((await kvState(sale.sku)).current).toMatchObject({ version: 3, title: winner.sale.title });
  });

  it("keeps every version in KV, and lists them newest first", async () => {
    const { sale } = await createSale({ stock: 50 });
    const v2 = (await (await update(sale, { stock: 60 })).json<SaleSaved>()).sale;
    await update(v2, { stock: 70 });

    const response = await admin(`/sales/${sale.sku}/history`);
    expect(response.status).toBe(200);
    const { versions } = await response.json<{ versions: SaleConfig[] }>();
    expect(versions.map((v) => [v.version, v.stock])).toEqual([
      [3, 70],
      [2, 60],
      [1, 50],
    ]);
    expect((await kvState(sale.sku)).history).toEqual([1, 2, 3].map((v) => `sale-history:${sale.sku}:${String(v).padStart(10, "0")}`));

    const latest = await (await admin(`/sales/${sale.sku}/history?limit=1`)).json<{ versions: SaleConfig[] }>();
    expect(latest.versions.map((v) => v.version)).toEqual([3]);
    expect((await admin("/sales/no-such-sale-here/history")).status).toBe(404);

    // Written to KV by other means: no history kept, the current version is all there is.
    const seeded = await seedSale();
    const only = await (await admin(`/sales/${seeded.sku}/history`)).json<{ versions: SaleConfig[] }>();
    expect(only.versions).toEqual([seeded]);
  });

  it("lists sales by phase, scheduled ones included, each with its live state", async () => {
    const now = Date.now();
    const upcoming = (await createSale({ startsAt: now + 10 * MINUTE, endsAt: now + 60 * MINUTE })).sale;
    const live = (await createSale()).sale;
    const paused = (await createSale({ paused: true })).sale;
    const soldOut = (await createSale({ stock: 1, tiers: [] })).sale;
    await (await Shopper.create()).checkout(soldOut.sku, 1);
    const ended = (await createSale({ startsAt: now - 60 * MINUTE, endsAt: now - MINUTE })).sale;
    const mine = new Set([upcoming, live, paused, soldOut, ended].map((s) => s.sku));

    const all = await (await admin("/sales")).json<{ serverTime: number; sales: AdminSale[] }>();
    const phases = Object.fromEntries(all.sales.filter((s) => mine.has(s.sale.sku)).map((s) => [s.sale.sku, s.phase]));
    expect(phases).toEqual({
      [upcoming.sku]: "upcoming",
      [live.sku]: "live",
      [paused.sku]: "paused",
      [soldOut.sku]: "sold_out",
      [ended.sku]: "ended",
    });
    expect(all.sales.find((s) => s.sale.sku === soldOut.sku)?.live?.snapshot.stock).toMatchObject({ held: 1, remaining: 0 });

    for (const [sku, phase] of Object.entries(phases)) {
      const listed = await (await admin(`/sales?phase=${phase}`)).json<{ sales: AdminSale[] }>();
      expect(listed.sales.every((s) => s.phase === phase)).toBe(true);
      expect(listed.sales.map((s) => s.sale.sku)).toContain(sku);
    }
  });
});
