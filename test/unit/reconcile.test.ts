import { describe, expect, it } from "vitest";
import { reconcile } from "../../src/orders/reconcile.ts";

const counts = (paid: number, held: number) => ({ pending_payment: held, deposit_paid: 0, paid, cancelled: 0, expired: 0, forfeited: 0 });

describe("reconcile", () => {
  it("is consistent only when Postgres matches and nothing is pending or parked", () => {
    expect(reconcile("s", counts(3, 2), counts(3, 2), { pending: 0, deadLettered: 0 })).toMatchObject({
      consistent: true,
      differences: [],
    });
  });

  it("is not consistent while the outbox holds changes, even when the counts happen to match (a stuck outbox)", () => {
    expect(reconcile("s", counts(3, 2), counts(1, 1), { pending: 3, deadLettered: 0 }).consistent).toBe(false);
    expect(reconcile("s", counts(3, 2), counts(3, 2), { pending: 1, deadLettered: 0 }).consistent).toBe(false);
  });

  it("is not consistent while changes are parked as dead letters", () => {
    const report = reconcile("s", counts(3, 2), counts(3, 1), { pending: 0, deadLettered: 1 });
    expect(report).toMatchObject({
      consistent: false,
      deadLettered: 1,
      differences: [{ status: "pending_payment", object: 2, postgres: 1 }],
    });
  });
});
