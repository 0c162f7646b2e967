import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BusinessClock, type BusinessHours, businessMs, DEFAULT_BUSINESS_HOURS } from "../../src/advisers/business-hours.ts";
import { dayNumber, localDateTimeAt } from "../../src/calendar.ts";
import { parseOpeningHours } from "../../src/stores/opening-hours-text.ts";
import type { OpeningHours } from "../../src/stores/store.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A Shanghai wall-clock time as epoch ms (UTC+8, no DST). */
const shanghai = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour - 8, minute);

const week = (text: string): OpeningHours => {
  const parsed = parseOpeningHours(text);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.value;
};

describe("business time between two instants (src/advisers/business-hours.ts, issue 17)", () => {
  it("counts the issue's worked example as 20 minutes: 17:50 answered 09:10 the next day, hours 09:00–18:00", () => {
    expect(businessMs(shanghai(26, 17, 50), shanghai(27, 9, 10))).toBe(20 * MINUTE);
    expect(new BusinessClock(DEFAULT_BUSINESS_HOURS).businessMinutes(shanghai(26, 17, 50), shanghai(27, 9, 10))).toBe(20);
  });

  it("counts a span inside the hours as wall time, a night and a weekend closed as nothing", () => {
    expect(businessMs(shanghai(26, 10), shanghai(26, 11, 30))).toBe(90 * MINUTE);
    expect(businessMs(shanghai(26, 18), shanghai(27, 9))).toBe(0);
    const weekdays: BusinessHours = { timeZone: "Asia/Shanghai", hours: week("mon-fri 09:00-18:00") };
    // Friday 2026-11-27 17:00 → Monday 2026-11-30 10:00: one hour Friday, one Monday.
    expect(businessMs(shanghai(27, 17), shanghai(30, 10), weekdays)).toBe(2 * HOUR);
    // Three whole days of 9 hours.
    expect(businessMs(shanghai(24, 0), shanghai(27, 0))).toBe(27 * HOUR);
  });

  it("reads the hours in their own zone: 09:00–18:00 in Berlin is 08:00–17:00 UTC in winter", () => {
    const berlin: BusinessHours = { timeZone: "Europe/Berlin", hours: DEFAULT_BUSINESS_HOURS.hours };
    expect(businessMs(Date.UTC(2026, 10, 26, 7), Date.UTC(2026, 10, 26, 9), berlin)).toBe(HOUR);
    expect(businessMs(Date.UTC(2026, 10, 26, 16), Date.UTC(2026, 10, 26, 18), berlin)).toBe(HOUR);
  });

  it("counts a daylight-saving night as long as it was: 00:00–06:00 on Berlin's spring-forward night is 5 hours", () => {
    const nights: BusinessHours = { timeZone: "Europe/Berlin", hours: week("daily 00:00-06:00") };
    // 2026-03-29: clocks jump 02:00 → 03:00. 00:00 CET is 23:00 UTC the day before.
    expect(businessMs(Date.UTC(2026, 2, 28, 22), Date.UTC(2026, 2, 29, 12), nights)).toBe(5 * HOUR);
    // 2026-10-25: 03:00 → 02:00, the hour repeats: 7 hours.
    expect(businessMs(Date.UTC(2026, 9, 24, 21), Date.UTC(2026, 9, 25, 12), nights)).toBe(7 * HOUR);
  });

  it("counts overlapping intervals of a day once, and an interval up to 24:00 to midnight", () => {
    const overlapping: BusinessHours = { timeZone: "Asia/Shanghai", hours: week("daily 09:00-12:00, 11:00-14:00") };
    expect(businessMs(shanghai(26, 0), shanghai(27, 0), overlapping)).toBe(5 * HOUR);
    const late: BusinessHours = { timeZone: "Asia/Shanghai", hours: week("daily 20:00-24:00, 00:00-02:00") };
    expect(businessMs(shanghai(26, 23), shanghai(27, 1), late)).toBe(2 * HOUR);
  });

  it("is 0 when the end is not after the start", () => {
    expect(businessMs(shanghai(26, 12), shanghai(26, 12))).toBe(0);
    expect(businessMs(shanghai(26, 12), shanghai(26, 11))).toBe(0);
  });
});

/** A week of random hours: each day none, one or two intervals on the quarter hour. */
const weekArb: fc.Arbitrary<OpeningHours> = fc
  .array(
    fc.array(
      fc
        .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
        .filter(([a, b]) => a < b)
        .map(([a, b]) => `${clock(a * 15)}-${clock(b * 15)}`),
      { maxLength: 2 },
    ),
    { minLength: 7, maxLength: 7 },
  )
  .map((days) => ({ mon: days[0]!, tue: days[1]!, wed: days[2]!, thu: days[3]!, fri: days[4]!, sat: days[5]!, sun: days[6]! }));
const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const hoursArb: fc.Arbitrary<BusinessHours> = fc.record({
  timeZone: fc.constantFrom("Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"),
  hours: weekArb,
});
/** Instants over two years around now, to the minute or the millisecond. */
const T0 = Date.UTC(2026, 0, 1);
const instant = fc.integer({ min: T0, max: T0 + 2 * 365 * DAY });
const span = fc.integer({ min: 0, max: 20 * DAY });
const QUARTER = 15 * MINUTE;
/** Instants on the quarter hour: every zone here is a whole hour off UTC, so local quarters are UTC quarters. */
const quarter = fc.integer({ min: T0 / QUARTER, max: (T0 + 2 * 365 * DAY) / QUARTER }).map((n) => n * QUARTER);

describe("business time: properties (fast-check)", () => {
  it("is additive over any split: [a, c) = [a, m) + [m, c)", () => {
    fc.assert(
      fc.property(hoursArb, instant, span, span, (hours, a, x, y) => {
        const clock = new BusinessClock(hours);
        const m = a + x;
        const c = m + y;
        expect(clock.businessMs(a, c)).toBe(clock.businessMs(a, m) + clock.businessMs(m, c));
      }),
      { numRuns: 300 },
    );
  });

  it("is never more than the wall time, and never negative", () => {
    fc.assert(
      fc.property(hoursArb, instant, span, (hours, a, x) => {
        const measured = new BusinessClock(hours).businessMs(a, a + x);
        expect(measured).toBeGreaterThanOrEqual(0);
        expect(measured).toBeLessThanOrEqual(x);
      }),
      { numRuns: 300 },
    );
  });

  it("equals the open quarter hours counted one by one (hours and instants on the quarter hour)", () => {
    fc.assert(
      fc.property(hoursArb, quarter, fc.integer({ min: 0, max: 3 * 96 }), (hours, a, slots) => {
        const clock = new BusinessClock(hours);
        let model = 0;
        for (let i = 0; i < slots; i++) if (clock.isOpenAt(a + i * QUARTER)) model += QUARTER;
        expect(clock.businessMs(a, a + slots * QUARTER)).toBe(model);
      }),
      { numRuns: 150 },
    );
  });

  it("is zero for a span the advisers were closed throughout", () => {
    fc.assert(
      fc.property(hoursArb, quarter, (hours, a) => {
        const clock = new BusinessClock(hours);
        // From the first closed quarter at or after `a` to the next open one (a week at most).
        let start = a;
        while (clock.isOpenAt(start) && start < a + 8 * DAY) start += QUARTER;
        let end = start;
        while (!clock.isOpenAt(end) && end < start + 8 * DAY) end += QUARTER;
        expect(clock.businessMs(start, end)).toBe(0);
      }),
      { numRuns: 150 },
    );
    const closed = new BusinessClock({ timeZone: "Asia/Shanghai", hours: week("") });
    fc.assert(fc.property(instant, span, (a, x) => closed.businessMs(a, a + x) === 0));
  });

  it("finds an instant's local day as the zone's calendar does, across daylight saving", () => {
    fc.assert(
      fc.property(hoursArb, fc.array(instant, { minLength: 1, maxLength: 20 }), (hours, instants) => {
        // One clock for many instants: its day guesses carry over from one to the next.
        const clock = new BusinessClock(hours);
        for (const at of instants) expect(clock.dayOf(at)).toBe(dayNumber(localDateTimeAt(at, hours.timeZone)));
      }),
      { numRuns: 200 },
    );
  });

  it("is the wall time with hours round the clock every day", () => {
    const always = new BusinessClock({ timeZone: "Europe/Berlin", hours: week("daily 00:00-24:00") });
    fc.assert(fc.property(instant, span, (a, x) => always.businessMs(a, a + x) === x));
  });
});
