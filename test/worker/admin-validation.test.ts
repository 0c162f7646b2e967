import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import {
  admin,
  auditRows,
  createSale,
  draftSale,
  expectNothingWritten,
  expectProblems,
  kvState,
  objectConfig,
  update,
} from "./admin-support.ts";

const HOUR = 3_600_000;

describe("admin API: bad configuration is refused with every problem listed, and nothing is written", () => {
  it.each([
    ["end before start", (d: Record<string, unknown>) => ({ ...d, endsAt: (d.startsAt as number) - 1 }), ["endsAt"]],
    ["end equal to start", (d: Record<string, unknown>) => ({ ...d, endsAt: d.startsAt }), ["endsAt"]],
    [
      "overlapping tiers",
      (d: Record<string, unknown>) => ({
        ...d,
        tiers: [
          { fromRank: 1, toRank: 10, unitPrice: 1 },
          { fromRank: 5, toRank: 20, unitPrice: 2 },
        ],
      }),
      ["tiers.1.fromRank"],
    ],
    [
      "tiers with a gap",
      (d: Record<string, unknown>) => ({
        ...d,
        tiers: [
          { fromRank: 1, toRank: 10, unitPrice: 1 },
          { fromRank: 12, toRank: 20, unitPrice: 2 },
        ],
      }),
      ["tiers.1.fromRank"],
    ],
    [
      "tiers not starting at rank 1",
      (d: Record<string, unknown>) => ({ ...d, tiers: [{ fromRank: 2, toRank: 10, unitPrice: 1 }] }),
      ["tiers.0.fromRank"],
    ],
    [
      "a tier past the stock",
      (d: Record<string, unknown>) => ({ ...d, stock: 5, tiers: [{ fromRank: 1, toRank: 6, unitPrice: 1 }] }),
      ["tiers.0.toRank"],
    ],
    ["negative stock", (d: Record<string, unknown>) => ({ ...d, stock: -5 }), ["stock"]],
    ["non-integer stock", (d: Record<string, unknown>) => ({ ...d, stock: 2.5 }), ["stock"]],
    ["stock as a string", (d: Record<string, unknown>) => ({ ...d, stock: "50" }), ["stock"]],
    ["a negative list price", (d: Record<string, unknown>) => ({ ...d, listPrice: -1 }), ["listPrice"]],
    [
      "a negative tier price",
      (d: Record<string, unknown>) => ({ ...d, tiers: [{ fromRank: 1, toRank: 10, unitPrice: -100 }] }),
      ["tiers.0.unitPrice"],
    ],
    ["a fractional price (yuan, not fen)", (d: Record<string, unknown>) => ({ ...d, listPrice: 99.5 }), ["listPrice"]],
    ["an unknown field", (d: Record<string, unknown>) => ({ ...d, colour: "red" }), ["body"]],
    [
      "an unknown tier field",
      (d: Record<string, unknown>) => ({ ...d, tiers: [{ fromRank: 1, toRank: 10, unitPrice: 1, discount: 5 }] }),
      ["tiers.0"],
    ],
    ["bookkeeping fields a marketer may not set", (d: Record<string, unknown>) => ({ ...d, version: 7 }), ["body"]],
    [
      "a gift ending before it starts",
      (d: Record<string, unknown>) => ({ ...d, gifts: [{ id: "g1", title: "Tote", startsAt: 2_000, endsAt: 1_000, stock: 5 }] }),
      ["gifts.0.endsAt"],
    ],
    [
      "a gift outside the sale's window",
      (d: Record<string, unknown>) => ({
        ...d,
        gifts: [{ id: "g1", title: "Tote", startsAt: (d.endsAt as number) + HOUR, endsAt: (d.endsAt as number) + 2 * HOUR, stock: 5 }],
      }),
      ["gifts.0.startsAt"],
    ],
    [
      "a gift without stock",
      (d: Record<string, unknown>) => ({ ...d, gifts: [{ id: "g1", title: "Tote", startsAt: d.startsAt, endsAt: d.endsAt, stock: 0 }] }),
      ["gifts.0.stock"],
    ],
    [
      "two gifts with one id",
      (d: Record<string, unknown>) => ({
        ...d,
        gifts: [1, 2].map(() => ({ id: "g1", title: "Tote", startsAt: d.startsAt, endsAt: d.endsAt, stock: 5 })),
      }),
      ["gifts.1.id"],
    ],
    [
      "a gift with a bad id and no title",
      (d: Record<string, unknown>) => ({ ...d, gifts: [{ id: "Gift One", title: "", startsAt: d.startsAt, endsAt: d.endsAt, stock: 5 }] }),
      ["gifts.0.id", "gifts.0.title"],
    ],
  ])("refuses %s", async (_, change, paths) => {
    const draft = draftSale() as Record<string, unknown>;
    const response = await admin("/sales", { body: change(draft) });
    await expectProblems(response, paths);
    await expectNothingWritten(draft.sku as string);
  });

  it("lists every problem of a sale at once, even when one field fails hard", async () => {
    const draft = draftSale() as Record<string, unknown>;
    const response = await admin("/sales", {
      body: {
        ...draft,
        stock: 2.5, // a hard failure: zod skips refinements after it, the API must not
        listPrice: -1,
        endsAt: (draft.startsAt as number) - 1,
        tiers: [
          { fromRank: 1, toRank: 10, unitPrice: 1 },
          { fromRank: 12, toRank: 20, unitPrice: -2 },
        ],
        gifts: [{ id: "g1", title: "Tote", startsAt: 5, endsAt: 4, stock: 1 }],
        colour: "red",
      },
    });
    const problems = await expectProblems(response, [
      "stock",
      "listPrice",
      "endsAt",
      "tiers.1.fromRank",
      "tiers.1.unitPrice",
      "gifts.0.endsAt",
      "body",
    ]);
    expect(problems).toContain('body: Unrecognized key: "colour"');
    await expectNothingWritten(draft.sku as string);
  });

  it("refuses a body that is not JSON, or not sent as JSON", async () => {
    const malformed = await exports.default.fetch("https://shop.test/admin/api/sales", {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: "{ not json",
    });
    await expectProblems(malformed, ["body"]);
    const asForm = await exports.default.fetch("https://shop.test/admin/api/sales", {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "sku=x",
    });
    expect(asForm.status).toBe(415);
  });

  it("refuses a bad update of a running sale and leaves KV, the object and the audit log as they were", async () => {
    const { sale } = await createSale();
    const before = { kv: await kvState(sale.sku), object: await objectConfig(sale.sku), audit: await auditRows(sale.sku) };

    const response = await update(sale, { stock: -1, endsAt: sale.startsAt - 1, tiers: [{ fromRank: 3, toRank: 4, unitPrice: 1 }] });
    await expectProblems(response, ["stock", "endsAt", "tiers.0.fromRank"]);
    const otherSku = await update(sale, { sku: "another-sku" });
    await expectProblems(otherSku, ["sku"]);

    expect(await kvState(sale.sku)).toEqual(before.kv);
    expect(await objectConfig(sale.sku)).toEqual(before.object);
    expect(await auditRows(sale.sku)).toEqual(before.audit);
  });

  it("refuses a malformed X-Admin-Actor before writing anything", async () => {
    const draft = draftSale();
    const response = await admin("/sales", { body: draft, actor: "<script>" });
    await expectProblems(response, ["X-Admin-Actor"]);
    await expectNothingWritten(draft.sku);
  });

  it("refuses an unknown phase filter", async () => {
    await expectProblems(await admin("/sales?phase=someday"), ["phase"]);
  });
});
