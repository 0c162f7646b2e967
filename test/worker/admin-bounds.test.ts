import { describe, expect, it } from "vitest";
import { SALE_LIMITS } from "../../src/sales/sale-config.ts";
import { admin, createSale, draftSale, expectNothingWritten, expectProblems, update } from "./admin-support.ts";

type Draft = Record<string, unknown>;

describe("admin API: a sale's upper bounds are checked at save (issue 10)", () => {
  it.each([
    ["a stock of 2^53 (answered 500 before)", (d: Draft) => ({ ...d, stock: 2 ** 53 }), ["stock"]],
    ["a per-shopper limit of 10^6 (made a 22.9 MB page before)", (d: Draft) => ({ ...d, perShopperLimit: 1_000_000 }), ["perShopperLimit"]],
    ["a list price above the largest unit price", (d: Draft) => ({ ...d, listPrice: SALE_LIMITS.maxUnitPrice + 1 }), ["listPrice"]],
    [
      "an order total above the largest",
      (d: Draft) => ({ ...d, perShopperLimit: 100, listPrice: SALE_LIMITS.maxUnitPrice }),
      ["perShopperLimit"],
    ],
    ["an end past the year 2100", (d: Draft) => ({ ...d, endsAt: 9e15 }), ["endsAt"]],
    [
      "a gift stock of 2^31",
      (d: Draft) => ({ ...d, gifts: [{ id: "g1", title: "Tote", startsAt: d.startsAt, endsAt: d.endsAt, stock: 2 ** 31 }] }),
      ["gifts.0.stock"],
    ],
  ])("refuses %s, writing nothing", async (_, change, paths) => {
    const draft = draftSale() as Draft;
    await expectProblems(await admin("/sales", { body: change(draft) }), paths);
    await expectNothingWritten(draft.sku as string);
  });

  it("refuses an update past a bound and leaves the running sale as it was", async () => {
    const { sale } = await createSale({ stock: 50 });
    await expectProblems(await update(sale, { stock: SALE_LIMITS.maxStock + 1 }), ["stock"]);
    const after = await admin(`/sales/${sale.sku}`);
    expect((await after.json<{ sale: { stock: number; version: number } }>()).sale).toMatchObject({ stock: 50, version: 1 });
  });
});
