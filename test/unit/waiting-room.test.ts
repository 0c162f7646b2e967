import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { demoSales } from "../../src/sales/demo-sales.ts";
import { saleConfigSchema, saleDraftSchema, validateSale } from "../../src/sales/sale-config.ts";
import { sign } from "../../src/signing.ts";
import { admissionTime, firstOpenSlot, nextSlot, secondsUntil } from "../../src/waiting-room/admission.ts";
import { judgeTicket, type QueueTicket, readTicket, signTicket } from "../../src/waiting-room/ticket.ts";

const SECRET = "unit-test-session-secret-0123456789";
const STARTS_AT = 1_800_000_000_000;

/** The admission times of arrivals at these ms since the opening, in the order they reach the queue. */
function admit(arrivals: readonly number[], admitPerSecond: number, startsAt = STARTS_AT): number[] {
  let last: number | null = null;
  return arrivals.map((since) => {
    last = nextSlot(last, since, admitPerSecond);
    return admissionTime(startsAt, last, admitPerSecond);
  });
}

describe("admission (src/waiting-room/admission.ts)", () => {
  it("admits an opening rush in order of arrival, place n at startsAt + floor((n - 1) * 1000 / admitPerSecond)", () => {
    // 7 a second: 1000/7 ms apart, rounded down.
    const times = admit([-60_000, -5_000, -1, 0, 0, 0, 0, 0, 0, 0], 7);
    expect(times).toEqual(Array.from({ length: 10 }, (_, i) => STARTS_AT + Math.floor((i * 1000) / 7)));
  });

  it("lets a shopper who arrives while nobody waits through at once", () => {
    const [first, second] = admit([12_345, 50_000], 10);
    expect(first).toBeLessThanOrEqual(STARTS_AT + 12_345);
    expect(second).toBeLessThanOrEqual(STARTS_AT + 50_000);
    expect(second).toBeGreaterThan(STARTS_AT + 50_000 - 100);
  });

  it("spaces a burst after a lull at the rate again, instead of letting through all the lull left unused", () => {
    const times = admit([0, ...Array(100).fill(600_000)], 10);
    const burst = times.slice(1);
    expect(burst[0]).toBe(STARTS_AT + 600_000);
    expect(burst.at(-1)).toBe(STARTS_AT + 600_000 + 99 * 100);
  });

  it("finds the first open slot from the time since the opening", () => {
    expect(firstOpenSlot(-1_000, 100)).toBe(0);
    expect(firstOpenSlot(0, 100)).toBe(0);
    expect(firstOpenSlot(1_234, 100)).toBe(123);
    expect(firstOpenSlot(999, 1)).toBe(0);
    expect(firstOpenSlot(1_000, 1)).toBe(1);
  });

  it("counts whole seconds up, and nothing once the time has come", () => {
    expect(secondsUntil(10_000, 10_000)).toBe(0);
    expect(secondsUntil(10_000, 12_000)).toBe(0);
    expect(secondsUntil(10_001, 10_000)).toBe(1);
    expect(secondsUntil(12_000, 10_000)).toBe(2);
    expect(secondsUntil(12_001, 10_000)).toBe(3);
  });

  it("property: admission is monotonic in place, never above the rate, and makes nobody wait needlessly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        // Arrivals as isolates see them: mostly rising, but clocks differ, so any order.
        fc.array(fc.integer({ min: -120_000, max: 3_600_000 }), { minLength: 1, maxLength: 300 }),
        (admitPerSecond, arrivals) => {
          const times = admit(arrivals, admitPerSecond);
          let last: number | null = null;
          const slots = arrivals.map((since) => {
            last = nextSlot(last, since, admitPerSecond);
            return last;
          });
          for (let i = 1; i < times.length; i++) {
            expect(slots[i]).toBeGreaterThan(slots[i - 1]!); // no two places share a slot, none overtakes
            expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!); // a later place is never admitted earlier
            // Nobody waits longer than the one before them and one slot, or than their own arrival.
            const bound = Math.max(STARTS_AT + Math.max(0, arrivals[i]!), times[i - 1]! + 1000 / admitPerSecond + 1);
            expect(times[i]).toBeLessThanOrEqual(bound);
          }
          // In any second, at most admitPerSecond are admitted.
          for (let i = 0; i < times.length; i++) {
            const within = times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length;
            expect(within).toBeLessThanOrEqual(admitPerSecond);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const TICKET: QueueTicket = {
  sku: "earbuds-1111",
  saleStartsAt: STARTS_AT,
  shopperId: "shp_0123456789abcdefghijklmn",
  place: 42,
  admitAt: STARTS_AT + 4_100,
  expiresAt: STARTS_AT + 4_100 + 900_000,
};
const CHECKOUT = { sku: TICKET.sku, saleStartsAt: TICKET.saleStartsAt, shopperId: TICKET.shopperId, now: TICKET.admitAt };

describe("queue tickets (src/waiting-room/ticket.ts)", () => {
  it("carry their sale, shopper, place and times under a signature", async () => {
    const signed = await signTicket(TICKET, SECRET);
    expect(await readTicket(signed, SECRET)).toEqual(TICKET);
    const open = { ...TICKET, place: null };
    expect(await readTicket(await signTicket(open, SECRET), SECRET)).toEqual(open);
  });

  it("property: changing any field, or the signature, or the secret, breaks the ticket", async () => {
    const field = fc.constantFrom<keyof QueueTicket>("sku", "saleStartsAt", "shopperId", "place", "admitAt", "expiresAt");
    await fc.assert(
      fc.asyncProperty(field, fc.integer({ min: 1, max: 1_000_000 }), async (key, delta) => {
        const signed = await signTicket(TICKET, SECRET);
        const signature = signed.slice(signed.lastIndexOf("."));
        const altered: QueueTicket = { ...TICKET };
        if (key === "sku") altered.sku = `${TICKET.sku}-${delta}`;
        else if (key === "shopperId") altered.shopperId = `shp_${String(delta).padStart(24, "0")}`;
        else altered[key] = (TICKET[key] ?? 0) + delta;
        const forged = (await signTicket(altered, SECRET)).replace(/\.[^.]*$/, signature);
        expect(await readTicket(forged, SECRET)).toBeNull();
        expect(await readTicket(await signTicket(TICKET, `${SECRET}-other`), SECRET)).toBeNull();
        const flipped = signed.slice(0, -3) + (signed.at(-3) === "A" ? "B" : "A") + signed.slice(-2);
        expect(await readTicket(flipped, SECRET)).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it("are not session cookies, nor cookies tickets: same secret, another context", async () => {
    const cookie = await sign(TICKET.shopperId, SECRET);
    expect(await readTicket(cookie, SECRET)).toBeNull();
    const ticket = await signTicket(TICKET, SECRET);
    expect(ticket.startsWith("shp_")).toBe(false);
    expect(await readTicket("x".repeat(500), SECRET)).toBeNull();
  });

  it("admit their own shopper to their own sale from admitAt until expiresAt, and refuse everything else with a reason", async () => {
    const signed = await signTicket(TICKET, SECRET);
    const judge = (presented: string | undefined, changes: Partial<typeof CHECKOUT> = {}) =>
      judgeTicket(presented, { ...CHECKOUT, ...changes }, SECRET);
    expect(await judge(signed)).toEqual({ kind: "admitted", ticket: TICKET });
    expect(await judge(signed, { now: TICKET.expiresAt - 1 })).toEqual({ kind: "admitted", ticket: TICKET });
    expect(await judge(signed, { now: TICKET.admitAt - 1 })).toEqual({ kind: "waiting", ticket: TICKET });
    expect(await judge(undefined)).toEqual({ kind: "refused", reason: "missing" });
    expect(await judge("")).toEqual({ kind: "refused", reason: "missing" });
    expect(await judge("fs-queue-ticket.v1:made-up")).toEqual({ kind: "refused", reason: "forged" });
    expect(await judge(signed, { sku: "another-sku" })).toEqual({ kind: "refused", reason: "other_sale" });
    expect(await judge(signed, { saleStartsAt: STARTS_AT + 60_000 })).toEqual({ kind: "refused", reason: "other_sale" });
    expect(await judge(signed, { shopperId: "shp_zzzzzzzzzzzzzzzzzzzzzzzz" })).toEqual({ kind: "refused", reason: "other_shopper" });
    expect(await judge(signed, { now: TICKET.expiresAt })).toEqual({ kind: "refused", reason: "expired" });
    // Expiry before the wait: an expired ticket never turns into "come back later".
    const early = await signTicket({ ...TICKET, expiresAt: TICKET.admitAt - 1 }, SECRET);
    expect(await judge(early, { now: TICKET.admitAt - 1 })).toEqual({ kind: "refused", reason: "expired" });
  });
});

describe("a sale's waitingRoom (src/sales/sale-config.ts)", () => {
  const base = { ...demoSales(STARTS_AT)[0] };

  it("is off unless set, and a ticket lasts 15 minutes unless told", () => {
    expect(saleConfigSchema.parse(base).waitingRoom).toBeNull();
    expect(saleConfigSchema.parse({ ...base, waitingRoom: { admitPerSecond: 50 } }).waitingRoom).toEqual({
      admitPerSecond: 50,
      ticketTtlSeconds: 900,
    });
  });

  it("lists every problem at its field", () => {
    const problems = (waitingRoom: unknown) => {
      const result = validateSale(saleDraftSchema, { ...base, waitingRoom });
      return result.ok ? [] : result.problems;
    };
    expect(problems({ admitPerSecond: 0, ticketTtlSeconds: 59 })).toEqual([
      "waitingRoom.admitPerSecond: must be at least 1",
      "waitingRoom.ticketTtlSeconds: must be at least 60 (a minute)",
    ]);
    expect(problems({ admitPerSecond: 100_001, ticketTtlSeconds: 3_601 })).toEqual([
      "waitingRoom.admitPerSecond: must be at most 100000",
      "waitingRoom.ticketTtlSeconds: must be at most 3600 (an hour)",
    ]);
    expect(problems({ admitPerSecond: 1.5 })).toEqual(["waitingRoom.admitPerSecond: must be a whole number"]);
    expect(problems({ admitPerSecond: 10, queue: "fifo" })).toHaveLength(1);
    expect(problems({ admitPerSecond: 100_000, ticketTtlSeconds: 3_600 })).toEqual([]);
    expect(problems(null)).toEqual([]);
  });
});
