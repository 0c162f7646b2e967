import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capAllows, capWindowMs } from "../../src/ads/frequency-cap.ts";

const MINUTE = 60_000;
/** 23:50 on day 1 of issue 18's worked example (any fixed time will do). */
const DAY1_2350 = Date.UTC(2026, 10, 20, 15, 50);
const CAP = { impressions: 3, hours: 24 };

/** Serves at each time the model allows, like the script does; returns the times served. */
function serveAll(times: readonly number[], cap = CAP): number[] {
  const served: number[] = [];
  for (const at of times) if (capAllows(served, at, cap)) served.push(at);
  return served;
}

describe("the rolling-window frequency cap's model (src/ads/frequency-cap.ts)", () => {
  it("follows issue 18's worked example: 3 at 23:50, a 4th at 00:10 next day refused, 23:51 the day after allowed", () => {
    const served = [DAY1_2350, DAY1_2350, DAY1_2350];
    expect(capAllows(served.slice(0, 2), DAY1_2350, CAP)).toBe(true);
    expect(capAllows(served, DAY1_2350 + 20 * MINUTE, CAP)).toBe(false);
    expect(capAllows(served, DAY1_2350 + 24 * 60 * MINUTE + MINUTE, CAP)).toBe(true);
  });

  it("pins the edge: an impression leaves the window exactly `hours` after it was served", () => {
    const served = [0, 0, 0];
    expect(capAllows(served, capWindowMs(CAP) - 1, CAP)).toBe(false);
    expect(capAllows(served, capWindowMs(CAP), CAP)).toBe(true);
  });

  it("never serves more than the cap in any window of `hours`, whatever the arrival times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 * 24 * 60 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 48 }),
        (minutes, impressions, hours) => {
          const cap = { impressions, hours };
          const served = serveAll(
            [...minutes].sort((a, b) => a - b).map((m) => m * MINUTE),
            cap,
          );
          // Every window (start, start + hours] that begins just after a served impression.
          for (const start of served) {
            const inside = served.filter((t) => t >= start && t < start + capWindowMs(cap));
            expect(inside.length).toBeLessThanOrEqual(impressions);
          }
        },
      ),
    );
  });

  it("is not a fixed window: a refusal happens only when the last `hours` already hold the cap", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * 24 * 60 }), { maxLength: 40 }), (minutes) => {
        const times = [...minutes].sort((a, b) => a - b).map((m) => m * MINUTE);
        const served: number[] = [];
        for (const at of times) {
          const recent = served.filter((t) => t > at - capWindowMs(CAP)).length;
          if (capAllows(served, at, CAP)) {
            expect(recent).toBeLessThan(CAP.impressions);
            served.push(at);
          } else expect(recent).toBe(CAP.impressions);
        }
      }),
    );
  });
});
