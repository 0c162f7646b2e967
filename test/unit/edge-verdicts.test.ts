import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manualClock } from "../support/manual-clock.ts";
import { MovableClock } from "../../src/clock.ts";
import { RefusalMemory, type Decision, type Outcome, type Ticket } from "../../src/edge/refusal-memory.ts";
import { VerdictCache } from "../../src/edge/verdict-cache.ts";
import type { Failure } from "../../src/errors.ts";

/** A load that finishes only when the test says so, counting how often it was started. */
function controlledLoad<V>() {
  const pending: Array<{ resolve: (v: V) => void; reject: (e: Error) => void }> = [];
  return {
    load: () =>
      new Promise<V>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
    started: () => pending.length,
    finish: (value: V) => pending.at(-1)!.resolve(value),
    fail: (error: Error) => pending.at(-1)!.reject(error),
  };
}

/** Lets every settled promise run its reactions. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function directory(clock = manualClock(), maxEntries = 100) {
  return new VerdictCache<boolean>({ ttlMs: (exists) => (exists ? 60_000 : 5_000), now: clock.now, maxEntries });
}

describe("VerdictCache (src/edge/verdict-cache.ts), on a controlled clock", () => {
  it("keeps each answer for its own time to live: a positive one 60 s, a negative one 5 s", async () => {
    const clock = manualClock();
    const cache = directory(clock);
    let reads = 0;
    const exists = (answer: boolean) => async () => {
      reads++;
      return answer;
    };

    expect(await cache.get("on-sale", exists(true))).toBe(true);
    expect(await cache.get("no-sale", exists(false))).toBe(false);
    clock.advance(4_999);
    expect(await cache.get("no-sale", exists(true))).toBe(false);
    expect(reads).toBe(2);
    clock.advance(1); // 5 s: the negative answer is stale, the positive one is not
    expect(await cache.get("no-sale", exists(true))).toBe(true);
    expect(await cache.get("on-sale", exists(false))).toBe(true);
    expect(reads).toBe(3);
    clock.advance(55_000); // 60 s after the positive answer
    expect(await cache.get("on-sale", exists(false))).toBe(false);
    expect(reads).toBe(4);
    expect(cache.loads).toBe(4);
  });

  it("loads once for any number of concurrent callers (single flight), and they all get its answer", async () => {
    const cache = directory();
    const read = controlledLoad<boolean>();
    const callers = Array.from({ length: 50 }, () => cache.get("sku", read.load));
    await flush();
    expect(read.started()).toBe(1);
    read.finish(false);
    expect(await Promise.all(callers)).toEqual(Array(50).fill(false));
    expect(cache.loads).toBe(1);
  });

  it("answers an expired value at once while another caller's load runs; only the loader waits", async () => {
    const clock = manualClock();
    const cache = directory(clock);
    await cache.get("sku", async () => true);
    clock.advance(60_000);
    const read = controlledLoad<boolean>();
    const loader = cache.get("sku", read.load);
    await flush();
    expect(await cache.get("sku", read.load)).toBe(true); // the stale answer, not waiting
    expect(read.started()).toBe(1);
    read.finish(false);
    expect(await loader).toBe(false);
    expect(await cache.get("sku", read.load)).toBe(false);
    expect(read.started()).toBe(1);
  });

  it("caches no failure: waiters get the error, or the expired answer when there is one; the next caller loads again", async () => {
    const clock = manualClock();
    const cache = directory(clock);
    const read = controlledLoad<boolean>();
    const first = cache.get("new", read.load);
    const second = cache.get("new", read.load);
    await flush();
    read.fail(new Error("KV unreachable"));
    await expect(first).rejects.toThrow("KV unreachable");
    await expect(second).rejects.toThrow("KV unreachable");
    expect(cache.peek("new")).toBeUndefined();

    await cache.get("known", async () => true);
    clock.advance(60_000);
    const again = controlledLoad<boolean>();
    const stale = cache.get("known", again.load);
    await flush();
    again.fail(new Error("KV unreachable"));
    expect(await stale).toBe(true);
    const retried = cache.get("known", again.load);
    await flush();
    expect(again.started()).toBe(2);
    again.finish(true);
    expect(await retried).toBe(true);
  });

  it("never stores a load over a set or forget made while it ran", async () => {
    const cache = directory();
    const read = controlledLoad<boolean>();
    const before = cache.get("created", read.load);
    await flush();
    cache.set("created", true); // an admin save in this isolate, while the lookup was on its way
    read.finish(false);
    expect(await before).toBe(false); // that request raced the save
    expect(cache.peek("created")).toBe(true);

    const other = controlledLoad<boolean>();
    const running = cache.get("dropped", other.load);
    await flush();
    cache.forget("dropped");
    other.finish(false);
    await running;
    expect(cache.peek("dropped")).toBeUndefined();
  });

  it("holds at most maxEntries keys, dropping the oldest stored", async () => {
    const cache = directory(manualClock(), 3);
    for (const sku of ["a", "b", "c", "d"]) await cache.get(sku, async () => false);
    expect(cache.size).toBe(3);
    expect(cache.peek("a")).toBeUndefined();
    expect(cache.peek("d")).toBe(false);
  });

  it("peek answers from memory only, fresh or nothing", async () => {
    const clock = manualClock();
    const cache = directory(clock);
    expect(cache.peek("sku")).toBeUndefined();
    await cache.get("sku", async () => false);
    expect(cache.peek("sku")).toBe(false);
    clock.advance(5_000);
    expect(cache.peek("sku")).toBeUndefined();
    expect(cache.loads).toBe(1);
  });
});

const SOLD_OUT: Failure = { code: "sold_out", message: "sold out" };
const TRUST = { not_started: 1_000, sold_out: 1_000, ended: 5_000 };

function memory(clock = manualClock(), limits: { maxSkus?: number; maxKeysPerSku?: number } = {}) {
  return new RefusalMemory({ now: clock.now, trustMs: TRUST, maxSkus: limits.maxSkus ?? 100, maxKeysPerSku: limits.maxKeysPerSku ?? 100 });
}

/** The ticket of a decision that must let the request through. */
function passed(decision: Decision): Ticket {
  if (decision.kind !== "pass") throw new Error(`expected to pass, got ${decision.kind}`);
  return decision.ticket;
}

const refused = (failure: Failure): Outcome => ({ kind: "refused", failure });
const placed: Outcome = { kind: "placed", replayed: false };

describe("RefusalMemory (src/edge/refusal-memory.ts), on a controlled clock", () => {
  it("lets everything through until the object refuses, then answers that very refusal for a second", () => {
    const clock = manualClock();
    const refusals = memory(clock);
    const ticket = passed(refusals.decide("sku", "k1"));
    expect(ticket.probe).toBeNull();
    refusals.learn(ticket, refused(SOLD_OUT));

    expect(refusals.decide("sku", "k2")).toEqual({ kind: "refuse", failure: SOLD_OUT });
    clock.advance(999);
    expect(refusals.decide("sku", "k3")).toEqual({ kind: "refuse", failure: SOLD_OUT });
    clock.advance(1);
    expect(passed(refusals.decide("sku", "k4")).probe).not.toBeNull();
    expect(refusals.decide("other", "k5").kind).toBe("pass");
  });

  it("tells the front door what `decide` would refuse with, without starting a probe, and whether anything is remembered at all", () => {
    const clock = manualClock();
    const refusals = memory(clock);
    expect(refusals.anyInForce()).toBe(false);
    const first = passed(refusals.decide("sku", "k0"));
    refusals.learn(first, placed); // the key of an order is kept: its retry goes to the object
    refusals.learn(passed(refusals.decide("sku", "k1")), refused(SOLD_OUT));
    expect(refusals.anyInForce()).toBe(true);
    expect(refusals.refusalFor("sku", "k2")).toEqual(SOLD_OUT);
    expect(refusals.refusalFor("sku", "k0")).toBeNull();
    expect(refusals.refusalFor("other", "k2")).toBeNull();
    clock.advance(1_000);
    expect(refusals.anyInForce()).toBe(false);
    expect(refusals.refusalFor("sku", "k2")).toBeNull();
    // Asking the door's question started no probe: the first `decide` after the second is the probe.
    expect(passed(refusals.decide("sku", "k3")).probe).not.toBeNull();
  });

  it("after a second, sends exactly one request to the object; the others wait for its answer", async () => {
    const clock = manualClock();
    const refusals = memory(clock);
    refusals.learn(passed(refusals.decide("sku", "k0")), refused(SOLD_OUT));
    clock.advance(1_000);

    const probe = passed(refusals.decide("sku", "k1"));
    const waiting = Array.from({ length: 20 }, (_, i) => refusals.decide("sku", `w${i}`));
    expect(waiting.every((d) => d.kind === "wait")).toBe(true);

    refusals.learn(probe, refused(SOLD_OUT)); // still sold out: renewed for a second from now
    for (const decision of waiting) if (decision.kind === "wait") await decision.until;
    expect(refusals.decide("sku", "w0")).toEqual({ kind: "refuse", failure: SOLD_OUT });
    clock.advance(999);
    expect(refusals.decide("sku", "w1").kind).toBe("refuse");
  });

  it("forgets the refusal when the probe places an order: units came back, everyone goes to the object", async () => {
    const clock = manualClock();
    const refusals = memory(clock);
    refusals.learn(passed(refusals.decide("sku", "k0")), refused(SOLD_OUT));
    clock.advance(1_000);
    const probe = passed(refusals.decide("sku", "k1"));
    const waiter = refusals.decide("sku", "k2");
    refusals.learn(probe, placed);
    if (waiter.kind === "wait") await waiter.until;
    const again = passed(refusals.decide("sku", "k2"));
    expect(again.probe).toBeNull();
    expect(refusals.refusalOf("sku")).toBeNull();
  });

  it("elects a new probe when one learned nothing (refused before the object, or failed)", () => {
    const clock = manualClock();
    const refusals = memory(clock);
    refusals.learn(passed(refusals.decide("sku", "k0")), refused(SOLD_OUT));
    clock.advance(1_000);
    const probe = passed(refusals.decide("sku", "k1"));
    expect(refusals.decide("sku", "k2").kind).toBe("wait");
    refusals.learn(probe, refused({ code: "rate_limited", message: "slow down" }));
    expect(passed(refusals.decide("sku", "k2")).probe).not.toBeNull();
    expect(refusals.decide("sku", "k3").kind).toBe("wait");
  });

  it("clears on what only a sale with units or a paused one answers; keeps on a shopper's own refusals and replays", () => {
    const clock = manualClock();
    const refusals = memory(clock);
    let n = 0;
    /** A fresh SKU sold out a second ago, its probe answered with `outcome`: is the refusal gone (no new probe needed)? */
    const clears = (outcome: Outcome) => {
      const sku = `sku-${n++}`;
      refusals.learn(passed(refusals.decide(sku, "k0")), refused(SOLD_OUT));
      clock.advance(1_000);
      refusals.learn(passed(refusals.decide(sku, "k1")), outcome);
      return passed(refusals.decide(sku, "k2")).probe === null;
    };
    expect(clears(refused({ code: "insufficient_stock", message: "only 1 left", details: { remaining: 1 } }))).toBe(true);
    expect(clears(refused({ code: "sale_paused", message: "paused" }))).toBe(true);
    expect(clears(placed)).toBe(true);
    expect(clears({ kind: "placed", replayed: true })).toBe(false);
    expect(clears(refused({ code: "limit_exceeded", message: "at most 1", details: { limit: 1, holding: 1 } }))).toBe(false);
    expect(clears(refused({ code: "checkout_cancelled", message: "cancelled" }))).toBe(false);
    expect(clears({ kind: "unknown" })).toBe(false);
  });

  it("lets the retry of a Try that made an order through here reach the object, to be replayed", () => {
    const refusals = memory();
    refusals.learn(passed(refusals.decide("sku", "mine")), placed);
    refusals.learn(passed(refusals.decide("sku", "late")), refused(SOLD_OUT));
    expect(refusals.decide("sku", "stranger").kind).toBe("refuse");
    const retry = passed(refusals.decide("sku", "mine"));
    expect(retry.probe).toBeNull();
    refusals.learn(retry, { kind: "placed", replayed: true });
    expect(refusals.decide("sku", "stranger").kind).toBe("refuse");
  });

  it("keeps at most maxKeysPerSku keys, the oldest going first", () => {
    const refusals = memory(manualClock(), { maxKeysPerSku: 2 });
    for (const key of ["a", "b", "c"]) refusals.learn(passed(refusals.decide("sku", key)), placed);
    refusals.learn(passed(refusals.decide("sku", "z")), refused(SOLD_OUT));
    expect(refusals.decide("sku", "a").kind).toBe("refuse");
    expect(refusals.decide("sku", "b").kind).toBe("pass");
    expect(refusals.decide("sku", "c").kind).toBe("pass");
  });

  it("trusts not_started for a second but never past the start it names; ended for five seconds", () => {
    const clock = manualClock(1_000_000);
    const refusals = memory(clock);
    const notStarted: Failure = { code: "not_started", message: "the sale has not started yet", details: { startsAt: 1_000_400 } };
    refusals.learn(passed(refusals.decide("soon", "k")), refused(notStarted));
    const ended: Failure = { code: "ended", message: "the sale has ended", details: { endedAt: 999_000 } };
    refusals.learn(passed(refusals.decide("over", "k")), refused(ended));
    clock.advance(399);
    expect(refusals.decide("soon", "k2")).toEqual({ kind: "refuse", failure: notStarted });
    clock.advance(1);
    expect(refusals.decide("soon", "k2").kind).toBe("pass");
    clock.advance(4_599);
    expect(refusals.decide("over", "k2")).toEqual({ kind: "refuse", failure: ended });
    clock.advance(1);
    expect(refusals.decide("over", "k2").kind).toBe("pass");
  });

  it("forgets on a save: refusals dropped, a probe's waiters released, answers to earlier requests ignored", async () => {
    const clock = manualClock();
    const refusals = memory(clock);
    const early = passed(refusals.decide("sku", "early")); // let through before the save
    refusals.learn(passed(refusals.decide("sku", "k0")), refused(SOLD_OUT));
    clock.advance(1_000);
    const probe = passed(refusals.decide("sku", "k1"));
    const waiter = refusals.decide("sku", "k2");
    expect(waiter.kind).toBe("wait");

    refusals.forget("sku"); // a top-up saved through this isolate
    if (waiter.kind === "wait") await waiter.until;
    expect(refusals.decide("sku", "k2").kind).toBe("pass");
    refusals.learn(probe, refused(SOLD_OUT)); // decided before the top-up: teaches nothing
    refusals.learn(early, refused(SOLD_OUT));
    expect(refusals.decide("sku", "k3").kind).toBe("pass");
    refusals.learn(passed(refusals.decide("sku", "k4")), refused(SOLD_OUT)); // after it: it does
    expect(refusals.decide("sku", "k5").kind).toBe("refuse");
  });

  it("holds at most maxSkus SKUs, releasing a dropped SKU's waiters", async () => {
    const clock = manualClock();
    const refusals = memory(clock, { maxSkus: 2 });
    refusals.learn(passed(refusals.decide("a", "k")), refused(SOLD_OUT));
    clock.advance(1_000);
    passed(refusals.decide("a", "probe"));
    const waiter = refusals.decide("a", "w");
    refusals.learn(passed(refusals.decide("b", "k")), refused(SOLD_OUT));
    refusals.learn(passed(refusals.decide("c", "k")), refused(SOLD_OUT));
    if (waiter.kind === "wait") await waiter.until; // would hang if it were not released
    expect(refusals.refusalOf("a")).toBeNull();
    expect(refusals.refusalOf("c")).toEqual(SOLD_OUT);
  });

  it("never answers from memory what the object did not say within the trust, nor after units came back (property)", () => {
    // A model: the object's stock over time; requests let through are answered by the object
    // at once. Whatever the memory refuses must be a sold-out the object said no longer than a
    // second ago, with no order placed or save made since.
    const step = fc.oneof(
      fc.record({ kind: fc.constant("try" as const), key: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 700 }) }),
      fc.record({ kind: fc.constant("restock" as const), units: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("save" as const), units: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(step, { maxLength: 60 }), (initial, steps) => {
        const clock = manualClock();
        const refusals = memory(clock);
        let available = initial;
        let lastSoldOutAt: number | null = null;
        const placedKeys = new Set<number>();
        for (const s of steps) {
          if (s.kind === "tick") clock.advance(s.ms);
          else if (s.kind === "restock") available += s.units;
          else if (s.kind === "save") {
            available += s.units;
            refusals.forget("sku");
            lastSoldOutAt = null;
          } else {
            const decision = refusals.decide("sku", String(s.key));
            if (decision.kind === "wait") return false; // nothing is in flight in this model
            if (decision.kind === "refuse") {
              expect(lastSoldOutAt).not.toBeNull();
              expect(clock.now() - lastSoldOutAt!).toBeLessThan(TRUST.sold_out);
              expect(placedKeys.has(s.key)).toBe(false);
              continue;
            }
            if (placedKeys.has(s.key)) {
              refusals.learn(decision.ticket, { kind: "placed", replayed: true });
            } else if (available > 0) {
              available--;
              placedKeys.add(s.key);
              lastSoldOutAt = null;
              refusals.learn(decision.ticket, placed);
            } else {
              lastSoldOutAt = clock.now();
              refusals.learn(decision.ticket, refused(SOLD_OUT));
            }
          }
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

describe("MovableClock (src/clock.ts)", () => {
  it("runs with the runtime's clock, moves forward only, and stands still while held", () => {
    const clock = new MovableClock();
    const before = Date.now();
    expect(clock.now()).toBeGreaterThanOrEqual(before);
    clock.advance(10_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 10_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);

    clock.hold();
    const held = clock.now();
    expect(clock.now()).toBe(held);
    clock.advance(1_000);
    expect(clock.now()).toBe(held + 1_000);
    clock.release();
    expect(clock.now()).toBeGreaterThanOrEqual(held + 1_000);
  });
});
