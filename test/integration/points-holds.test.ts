import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { holdKeyOf, holdPoints, settleHold } from "../../src/membership/points-holds.ts";
import { appendPoints, pointsBalance } from "../../src/membership/points-ledger.ts";
import { pointsStatement } from "../../src/membership/points-statement.ts";
import { testShopper } from "../support/paid-orders.ts";

// The hold state machine of points at checkout (issue 16) against the real Postgres, model
// based: random sequences of Try (hold), Confirm (spend), Cancel/expiry (return) and their
// retries, checked after each step against a model of balance and holds.
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

type HoldState = { points: number; state: "held" | "spent" | "returned"; used: number };
interface Model {
  balance: number;
  holds: Map<string, HoldState>;
}
interface Real {
  shopperId: string;
  at: number;
}

const SKU = "model-sku";
const checkoutOf = (shopperId: string, key: string) => ({ shopperId, sku: SKU, idempotencyKey: key });

async function check(model: Model, real: Real): Promise<void> {
  const statement = await pointsStatement(database.db, real.shopperId, real.at);
  const held = [...model.holds.values()].filter((h) => h.state === "held").reduce((sum, h) => sum + h.points, 0);
  expect(statement.balance).toBe(model.balance);
  expect(statement.held).toBe(held);
  expect(statement.balance).toBeGreaterThanOrEqual(0);
}

class Hold implements fc.AsyncCommand<Model, Real> {
  readonly key: string;
  readonly points: number;
  constructor(key: string, points: number) {
    this.key = key;
    this.points = points;
  }
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const kept = model.holds.get(this.key);
    const attempt = holdPoints(
      database.db,
      checkoutOf(real.shopperId, this.key),
      holdKeyOf(checkoutOf(real.shopperId, this.key)),
      this.points,
      real.at,
    );
    if (kept) {
      // A retry: the same hold if it is still held and names the same points, else refused.
      if (kept.points !== this.points) await expect(attempt).rejects.toMatchObject({ code: "idempotency_conflict" });
      else if (kept.state !== "held") await expect(attempt).rejects.toMatchObject({ code: "points_unavailable" });
      else expect((await attempt).fresh).toBe(false);
    } else if (this.points > model.balance) {
      await expect(attempt).rejects.toMatchObject({ code: "points_insufficient", details: { available: model.balance } });
    } else {
      expect((await attempt).fresh).toBe(true);
      model.balance -= this.points;
      model.holds.set(this.key, { points: this.points, state: "held", used: 0 });
    }
    await check(model, real);
  }
  toString = () => `hold(${this.key}, ${this.points})`;
}

class Settle implements fc.AsyncCommand<Model, Real> {
  readonly key: string;
  readonly kind: "spent" | "returned";
  readonly usedShare: number;
  constructor(key: string, kind: "spent" | "returned", usedShare: number) {
    this.key = key;
    this.kind = kind;
    this.usedShare = usedShare;
  }
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const kept = model.holds.get(this.key);
    const used = kept ? Math.floor(kept.points * this.usedShare) : 0;
    const settlement = this.kind === "spent" ? { kind: "spent" as const, used, orderId: `ord_${this.key}` } : { kind: "returned" as const };
    const { changed } = await settleHold(database.db, holdKeyOf(checkoutOf(real.shopperId, this.key)), settlement, real.at);
    // Settled once: whichever of spend and return comes first is what happens.
    expect(changed).toBe(kept?.state === "held");
    if (kept?.state === "held") {
      kept.state = this.kind;
      kept.used = used;
      model.balance += this.kind === "spent" ? kept.points - used : kept.points;
    }
    await check(model, real);
  }
  toString = () => `${this.kind}(${this.key}, ${this.usedShare})`;
}

describe("points holds (model-based)", () => {
  it("follow the model: never overdrawn, each hold settled once, spend and return exclusive", async () => {
    const keys = fc.constantFrom("k1", "k2", "k3", "k4");
    const commands = [
      fc.tuple(keys, fc.integer({ min: 1, max: 600 })).map(([k, p]) => new Hold(k, p)),
      fc
        .tuple(keys, fc.constantFrom("spent" as const, "returned" as const), fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([k, kind, share]) => new Settle(k, kind, share)),
    ];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_500 }), fc.commands(commands, { maxCommands: 25 }), async (start, cmds) => {
        const real = { shopperId: testShopper(), at: Date.UTC(2026, 10, 11) };
        if (start > 0) {
          await appendPoints(database.db, {
            shopperId: real.shopperId,
            amount: start,
            reason: "crm_grant",
            idempotencyKey: `grant:${real.shopperId}`,
            at: real.at,
          });
        }
        await fc.asyncModelRun(() => ({ model: { balance: start, holds: new Map() }, real }), cmds);
      }),
      { numRuns: 25 },
    );
  });

  it("concurrent holds of one shopper never overdraw", async () => {
    const shopperId = testShopper();
    const at = Date.UTC(2026, 10, 11);
    await appendPoints(database.db, { shopperId, amount: 1_000, reason: "crm_grant", idempotencyKey: `grant:${shopperId}`, at });
    const answers = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        holdPoints(database.db, checkoutOf(shopperId, `c${i}`), holdKeyOf(checkoutOf(shopperId, `c${i}`)), 300, at),
      ),
    );
    expect(answers.filter((a) => a.status === "fulfilled")).toHaveLength(3);
    expect(await pointsBalance(database.db, shopperId)).toBe(100);
  });
});
