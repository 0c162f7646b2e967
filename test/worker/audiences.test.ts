// The Worker first: its modules extend zod with `.openapi` before any schema of src/ is built.
import { admin, readError } from "./admin-support.ts";
import { describe, expect, it } from "vitest";
import { hashIdentifier } from "../../src/audiences/custom-audience.ts";
import { freshId, insertOrder, rowsOf } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";

/**
 * Lookalike audiences' admin API (issue 18) in workerd against the real Postgres: every problem
 * of a bad request listed and nothing written, the seed's size counted, a create queued once per
 * Idempotency-Key, read and listed, and a built audience exported as hashed EXTERN_IDs.
 */

type Audience = {
  id: string;
  status: string;
  seed: { kind: string; source: string | null; shoppers: number };
  percent: number;
  size: number | null;
};

const create = (body: unknown, key: string = crypto.randomUUID()) =>
  admin("/audiences", { method: "POST", body, headers: { "Idempotency-Key": key } });

/** `n` shoppers this shop knows: one product view each. */
async function knownShoppers(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => freshId("shp"));
  await withPostgres((pool) =>
    pool.query(
      `insert into events (id, type, shopper_id, at, received_at, sku, category, device, locale)
       select 'evt_' || s, 'product_view', s, now(), now(), 'lk-view', 'baby', 'phone', 'zh-CN' from unnest($1::text[]) as s`,
      [ids],
    ),
  );
  return ids;
}

const audienceRows = (key: string) => rowsOf<{ id: string }>("select id from lookalike_audiences where idempotency_key = $1", [key]);

describe("creating a lookalike audience", () => {
  it("lists every problem of a bad body, and writes nothing", async () => {
    const key = crypto.randomUUID();
    const response = await create({ name: "", seed: { kind: "list", csv: "shopper_id\nshp_fine\nnope\n" }, percent: 11 }, key);
    expect(response.status).toBe(400);
    const error = await readError(response);
    expect(error.code).toBe("invalid_request");
    expect(error.problems).toEqual(
      expect.arrayContaining([
        "name: must not be empty",
        "percent: must be at most 10",
        'seed.csv: line 3: "nope" is not a shopper id (shp_…)',
      ]),
    );
    expect(await audienceRows(key)).toEqual([]);
  });

  it("refuses a seed below 100 with its count, and a SKU nobody bought or viewed", async () => {
    const sku = `lk-${crypto.randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 3; i++) await insertOrder({ shopperId: freshId("shp"), sku, total: 1_000, paidAt: Date.now() - 1_000 });
    const small = await create({ name: "few", seed: { kind: "sku", sku }, percent: 1 });
    expect(small.status).toBe(400);
    expect((await readError(small)).problems).toEqual([`seed: 3 shoppers bought ${sku} (paid orders); at least 100 are needed`]);

    const unknown = await create({ name: "none", seed: { kind: "sku", sku: "lk-never-sold-anywhere" }, percent: 1 });
    expect((await readError(unknown)).problems).toEqual(["seed.sku: no order or event names lk-never-sold-anywhere"]);

    const known = await knownShoppers(60);
    const strangers = Array.from({ length: 50 }, () => freshId("shp"));
    const list = await create({ name: "half known", seed: { kind: "list", shopperIds: [...known, ...strangers] }, percent: 1 });
    expect((await readError(list)).problems).toEqual(["seed: 60 of the 110 listed ids are shoppers of this shop; at least 100 are needed"]);
  });

  it("queues an audience once per Idempotency-Key, reads and lists it; the export waits until it is built", async () => {
    const ids = await knownShoppers(105);
    const key = crypto.randomUUID();
    const first = await create(
      { name: "Uploaded VIPs", seed: { kind: "list", csv: `shopper_id\r\n${ids.join("\r\n")}\r\n` }, percent: 2.5 },
      key,
    );
    expect(first.status).toBe(202);
    const audience = await first.json<Audience>();
    expect(audience).toMatchObject({ status: "queued", seed: { kind: "list", source: null, shoppers: 105 }, percent: 2.5, size: null });
    expect(audience.id).toMatch(/^aud_[0-9a-f]{20}$/);

    const again = await create({ name: "Uploaded VIPs", seed: { kind: "list", shopperIds: ids }, percent: 2.5 }, key);
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await again.json<Audience>()).id).toBe(audience.id);
    expect(await audienceRows(key)).toHaveLength(1);

    const read = await admin(`/audiences/${audience.id}`);
    expect(read.status).toBe(200);
    expect((await read.json<Audience>()).status).toBe("queued");
    const list = await admin("/audiences?limit=200");
    expect((await list.json<{ audiences: Audience[] }>()).audiences.map((a) => a.id)).toContain(audience.id);

    const early = await admin(`/audiences/${audience.id}/export.csv`);
    expect(early.status).toBe(409);
    expect((await readError(early)).code).toBe("conflict");
    expect((await admin("/audiences/aud_nothing/export.csv")).status).toBe(404);
    expect((await admin("/audiences/aud_nothing")).status).toBe(404);
  });

  it("exports a built audience as the custom-audience CSV: EXTERN_ID, hashed, in rank order", async () => {
    const ids = await knownShoppers(100);
    const response = await create({ name: "Export me", seed: { kind: "list", shopperIds: ids }, percent: 1 });
    const audience = await response.json<Audience>();
    const members = [freshId("shp"), freshId("shp"), freshId("shp")];
    // As the Node job leaves a built audience (scripts/audiences/lookalike.ts saveBuilt).
    await withPostgres(async (pool) => {
      await pool.query(
        "insert into lookalike_audience_members (audience_id, rank, shopper_id, score) select $1, r, s, 1.0 / r from unnest($2::text[]) with ordinality as m(s, r)",
        [audience.id, members],
      );
      await pool.query(
        "update lookalike_audiences set status = 'built', progress = 100, size = 3, pool_size = 300, built_at = now() where id = $1",
        [audience.id],
      );
    });
    const file = await admin(`/audiences/${audience.id}/export.csv`);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(file.headers.get("Content-Disposition")).toBe(`attachment; filename="lookalike-${audience.id}-1pct.csv"`);
    const text = await file.text();
    expect(text).toBe(`EXTERN_ID\r\n${(await Promise.all(members.map(hashIdentifier))).map((h) => `${h}\r\n`).join("")}`);
    expect(text).not.toContain("shp_");
    const read = await (await admin(`/audiences/${audience.id}`)).json<Audience>();
    expect(read).toMatchObject({ status: "built", size: 3 });
  });

  it("needs an Idempotency-Key, so a retried create makes one audience", async () => {
    const noKey = await admin("/audiences", {
      method: "POST",
      body: { name: "x", seed: { kind: "segment", segment: "lost" }, percent: 1 },
    });
    expect(noKey.status).toBe(400);
    expect((await readError(noKey)).code).toBe("invalid_request");
  });
});
