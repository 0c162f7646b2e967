import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { endOfLocalDay } from "../../src/calendar.ts";
import { CAP_MARGIN_SECONDS, dailyCap, localDay } from "../../src/geo/daily-cap.ts";
import { ENTER_METERS, insideAfter, LEAVE_METERS, MAX_ACCURACY_METERS, stepFences } from "../../src/geo/geofence.ts";

describe("geofence hysteresis (src/geo/geofence.ts, issue 15)", () => {
  it("follows the worked examples: 499 m enters, 501 m does not, 550 m inside stays inside, 601 m leaves", () => {
    expect(insideAfter(false, 499)).toBe(true);
    expect(insideAfter(false, 500)).toBe(true);
    expect(insideAfter(false, 501)).toBe(false);
    expect(insideAfter(true, 550)).toBe(true);
    expect(insideAfter(true, 600)).toBe(true);
    expect(insideAfter(true, 601)).toBe(false);
    expect(insideAfter(true, null)).toBe(false);
  });

  it("a walk in and out: one entry at 499 m, none while wandering at 550 m, a leave at 601 m", () => {
    let inside = new Set<string>();
    const walk = [501, 499, 550, 520, 599, 601, 550, 499].map((metres) => {
      const step = stepFences(inside, new Map([["s1", metres]]));
      inside = step.inside;
      return `${step.entered.join()}|${step.left.join()}`;
    });
    expect(walk).toEqual(["|", "s1|", "|", "|", "|", "|s1", "|", "s1|"]);
  });

  it(`a fix vaguer than ${MAX_ACCURACY_METERS} m moves no fence, in or out`, () => {
    const vague = stepFences(new Set(["in"]), new Map([["near", 100]]), MAX_ACCURACY_METERS + 1);
    expect(vague).toEqual({ inside: new Set(["in"]), entered: [], left: [] });
    const sharp = stepFences(new Set(["in"]), new Map([["near", 100]]), MAX_ACCURACY_METERS);
    expect(sharp).toEqual({ inside: new Set(["near"]), entered: ["near"], left: ["in"] });
  });

  /** The model: per store, a boolean and the rule stated in words, walked against the real steps. */
  it("matches a per-store model over random walks of pings among several stores", () => {
    const distance = fc.oneof(
      fc.constant(null),
      fc.double({ min: 0, max: LEAVE_METERS, noNaN: true }),
      fc.constantFrom(499, 500, 501, 599, 600, 601),
    );
    const ping = fc.dictionary(fc.constantFrom("a", "b", "c", "d"), distance);
    fc.assert(
      fc.property(fc.array(ping, { maxLength: 40 }), (pings) => {
        const model = new Map<string, boolean>();
        let inside = new Set<string>();
        for (const reading of pings) {
          const nearby = new Map(Object.entries(reading).filter((e): e is [string, number] => e[1] !== null && e[1] <= LEAVE_METERS));
          const step = stepFences(inside, nearby);
          for (const store of ["a", "b", "c", "d"]) {
            const was = model.get(store) ?? false;
            const d = nearby.get(store);
            const now = d === undefined ? false : was ? d <= LEAVE_METERS : d <= ENTER_METERS;
            model.set(store, now);
            expect(step.inside.has(store)).toBe(now);
            expect(step.entered.includes(store)).toBe(now && !was);
            expect(step.left.includes(store)).toBe(was && !now);
          }
          inside = step.inside;
        }
      }),
    );
  });
});

describe("daily cap (src/geo/daily-cap.ts, issue 15)", () => {
  const shanghai = { id: "sh-1", timeZone: "Asia/Shanghai" };

  it("keys the push by the store's local day: 23:59 and 00:01 Shanghai time are two days, though both are the same UTC day", () => {
    const before = Date.UTC(2026, 10, 27, 15, 59); // 23:59 on 27 Nov in Shanghai (UTC+8)
    const after = Date.UTC(2026, 10, 27, 16, 1); // 00:01 on 28 Nov
    expect(dailyCap("shp_1", shanghai, before).key).toBe("geo:cap:sh-1:shp_1:2026-11-27");
    expect(dailyCap("shp_1", shanghai, after).key).toBe("geo:cap:sh-1:shp_1:2026-11-28");
    expect(dailyCap("shp_1", shanghai, before).ttlSeconds).toBe(60 + CAP_MARGIN_SECONDS);
  });

  it("ends a day at the zone's midnight, also across a DST change (New York, 1 Nov 2026 is 25 hours long)", () => {
    const ny = "America/New_York";
    const morning = Date.UTC(2026, 10, 1, 12); // 07:00 EST, after the change at 06:00 UTC
    expect(localDay(morning, ny)).toBe("2026-11-01");
    expect(endOfLocalDay(morning, ny)).toBe(Date.UTC(2026, 10, 2, 5)); // midnight EST = 05:00 UTC
    const justAfterMidnight = Date.UTC(2026, 10, 1, 4, 30); // 00:30 EDT
    // 00:30 on the 25-hour day: 24.5 hours to go, not 23.5.
    expect(endOfLocalDay(justAfterMidnight, ny) - justAfterMidnight).toBe(24.5 * 3600 * 1000);
  });

  it("for any instant and zone: the day's end is after it, at most 25 h away, and already the next local day", () => {
    const zones = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata", "UTC"];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), fc.constantFrom(...zones), (at, zone) => {
        const end = endOfLocalDay(at, zone);
        expect(end).toBeGreaterThan(at);
        expect(end - at).toBeLessThanOrEqual(25 * 3600 * 1000);
        expect(localDay(end, zone)).not.toBe(localDay(at, zone));
        expect(localDay(end - 1000, zone)).toBe(localDay(at, zone));
        const { ttlSeconds } = dailyCap("shp", { id: "s", timeZone: zone }, at);
        expect(ttlSeconds * 1000).toBeGreaterThanOrEqual(end - at + CAP_MARGIN_SECONDS * 1000);
      }),
    );
  });
});
