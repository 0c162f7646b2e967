import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CancelledKeys, type CancelledKey } from "../../src/orders/cancelled-keys.ts";

const LIMITS = { perShopper: 3, ttlMs: 1_000 };

/** The plain model: every tombstone in a list; the bound and the TTL applied by hand. */
class Model {
  keys: CancelledKey[] = [];
  add(shopperId: string, idempotencyKey: string, at: number): void {
    if (this.keys.some((k) => k.shopperId === shopperId && k.idempotencyKey === idempotencyKey)) return;
    this.keys.push({ shopperId, idempotencyKey, cancelledAt: at });
    const mine = this.keys.filter((k) => k.shopperId === shopperId);
    if (mine.length > LIMITS.perShopper) this.keys.splice(this.keys.indexOf(mine[0]!), 1);
  }
  expire(before: number): void {
    this.keys = this.keys.filter((k) => k.cancelledAt >= before);
  }
}

type Command = { kind: "add"; shopper: number; key: number; dt: number } | { kind: "expire"; dt: number } | { kind: "end" };

describe("CancelledKeys", () => {
  it("matches the model: the newest per shopper within the bound, none past the TTL", () => {
    const command: fc.Arbitrary<Command> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant("add" as const), shopper: fc.nat(2), key: fc.nat(5), dt: fc.nat(400) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("expire" as const), dt: fc.nat(400) }) },
      { weight: 1, arbitrary: fc.constant({ kind: "end" as const }) },
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        const real = new CancelledKeys([], LIMITS);
        const model = new Model();
        let now = 0;
        for (const c of commands) {
          if (c.kind === "add") {
            now += c.dt;
            real.add(`s${c.shopper}`, `k${c.key}`, now);
            model.add(`s${c.shopper}`, `k${c.key}`, now);
          } else if (c.kind === "expire") {
            now += c.dt;
            real.expire(real.cutoff(now));
            model.expire(now - LIMITS.ttlMs);
          } else {
            real.expire(Number.MAX_SAFE_INTEGER);
            model.expire(Number.MAX_SAFE_INTEGER);
          }
          expect(real.size).toBe(model.keys.length);
          for (let shopper = 0; shopper < 3; shopper++) {
            for (let key = 0; key < 6; key++) {
              const inModel = model.keys.some((k) => k.shopperId === `s${shopper}` && k.idempotencyKey === `k${key}`);
              expect(real.has(`s${shopper}`, `k${key}`)).toBe(inModel);
            }
          }
          const oldest = Math.min(...model.keys.map((k) => k.cancelledAt));
          expect(real.nextExpiry()).toBe(model.keys.length === 0 ? null : oldest + LIMITS.ttlMs);
        }
      }),
    );
  });

  it("reports what the bound pushed out, so storage can drop it too", () => {
    const keys = new CancelledKeys([], LIMITS);
    for (let i = 0; i < 3; i++) expect(keys.add("s", `k${i}`, i).evicted).toEqual([]);
    expect(keys.add("s", "k3", 3)).toEqual({ added: true, evicted: [{ shopperId: "s", idempotencyKey: "k0", cancelledAt: 0 }] });
    expect(keys.add("s", "k3", 9)).toEqual({ added: false, evicted: [] });
  });

  it("loads stored tombstones oldest first, keeping each shopper's newest within the bound", () => {
    const stored = [5, 1, 4, 2, 3].map((at) => ({ shopperId: "s", idempotencyKey: `k${at}`, cancelledAt: at }));
    const keys = new CancelledKeys(stored, LIMITS);
    expect(keys.size).toBe(3);
    expect(["k1", "k2", "k3", "k4", "k5"].map((k) => keys.has("s", k))).toEqual([false, false, true, true, true]);
  });
});
