import { describe, expect, it } from "vitest";
import type { CouponTemplate } from "../../src/coupons/coupon-template.ts";
import { admin, expectProblems, readError } from "./admin-support.ts";
import { Shopper } from "./support.ts";

type Figures = {
  template: CouponTemplate;
  pool: { quantity: number; claimed: number; held: number; used: number; redemptionRate: number | null };
};

function draftCoupon(overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    id: `ac-${crypto.randomUUID().slice(0, 12)}`,
    title: "满300减50",
    type: "amount_off",
    amountOff: 5_000,
    minSpend: 30_000,
    validFrom: now - 60_000,
    validUntil: now + 86_400_000,
    totalQuantity: 3,
    ...overrides,
  };
}

describe("coupon templates through the admin API (issue 14)", () => {
  it("creates (version 1), reads, lists with pool figures, audits, and refuses a second with the same id", async () => {
    const draft = draftCoupon();
    const created = await admin("/coupons", { body: draft, actor: encodeURIComponent("王芳") });
    expect(created.status).toBe(201);
    const figures = await created.json<Figures>();
    expect(figures).toMatchObject({
      template: { ...draft, version: 1, updatedBy: "王芳", stackable: false },
      pool: { claimed: 0, redemptionRate: null },
    });
    expect((await (await admin(`/coupons/${draft.id}`)).json<Figures>()).template).toEqual(figures.template);
    const list = await (await admin("/coupons")).json<{ coupons: Figures[] }>();
    expect(list.coupons.map((c) => c.template.id)).toContain(draft.id);
    expect((await readError(await admin("/coupons", { body: draft }))).code).toBe("conflict");
    const audit = await (await admin(`/coupons/${draft.id}/audit`)).json<{
      entries: Array<{ action: string; actor: string; version: number }>;
    }>();
    expect(audit.entries).toMatchObject([{ action: "create", actor: "王芳", version: 1 }]);
  });

  it("lists every problem of a bad template, cross-field ones included, and saves nothing", async () => {
    const response = await admin("/coupons", {
      body: draftCoupon({ type: "percent_off", amountOff: 100, percentOff: 0, validUntil: 1, totalQuantity: 0, skus: ["a-b", "a-b"] }),
    });
    await expectProblems(response, ["percentOff", "amountOff", "validUntil", "totalQuantity", "skus"]);
  });

  it("updates from the version read, keeps the pool at or above what was claimed, and refuses a stale version", async () => {
    const draft = draftCoupon();
    await admin("/coupons", { body: draft });
    const shopper = await Shopper.create();
    for (let i = 0; i < 2; i++) {
      const other = i === 0 ? shopper : await Shopper.create();
      expect((await other.post(`/api/coupons/${draft.id}/claim`, {}, { "Idempotency-Key": crypto.randomUUID() })).status).toBe(201);
    }
    const below = await admin(`/coupons/${draft.id}`, { method: "PUT", body: { ...draft, totalQuantity: 1, expectedVersion: 1 } });
    expect(below.status).toBe(409);
    expect((await readError(below)).problems).toEqual(["totalQuantity: must be at least 2, the coupons claimed so far"]);
    const raised = await admin(`/coupons/${draft.id}`, {
      method: "PUT",
      body: { ...draft, totalQuantity: 5, title: "满300减60", amountOff: 6_000, expectedVersion: 1 },
    });
    expect(raised.status).toBe(200);
    expect(await raised.json<Figures>()).toMatchObject({ template: { version: 2, totalQuantity: 5 }, pool: { quantity: 5, claimed: 2 } });
    const stale = await admin(`/coupons/${draft.id}`, { method: "PUT", body: { ...draft, expectedVersion: 1 } });
    expect(await readError(stale)).toMatchObject({ code: "conflict", version: 2 });
    const history = await (await admin(`/coupons/${draft.id}/history`)).json<{ versions: CouponTemplate[] }>();
    expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it("is closed to a shopper and to a missing token", async () => {
    expect((await admin("/coupons", { token: null })).status).toBe(401);
  });
});
