import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localDateTimeAt } from "../../src/calendar.ts";
import { demoCoupons } from "../../src/coupons/demo-coupons.ts";
import { demoSequences } from "../../src/sequences/demo-sequences.ts";
import { deferPastQuietHours, stepTimes } from "../../src/sequences/schedule.ts";
import { type SequenceInput, sequenceDraftSchema, thenLoop, validateSequence } from "../../src/sequences/sequence.ts";
import { placeholderProblems, renderTemplate } from "../../src/sequences/template.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A Shanghai wall-clock time as epoch ms (UTC+8, no DST). */
const shanghai = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour - 8, minute);
const ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];

function draft(overrides: Partial<SequenceInput> = {}): unknown {
  return {
    id: "first-purchase",
    name: "First purchase",
    trigger: { kind: "order_paid", firstPurchaseOnly: true },
    steps: [0, 1, 3, 7].map((days) => ({
      after: { days, hours: 0 },
      title: { "zh-CN": "你好", en: "Hello" },
      body: { "zh-CN": "{name}，{product} 用得怎么样？", en: "Hi {name}, how is {product}?" },
    })),
    ...overrides,
  };
}

const problemsOf = (input: unknown) => {
  const result = validateSequence(sequenceDraftSchema, input);
  return result.ok ? [] : result.problems;
};

describe("a sequence's validation", () => {
  it("takes the 7-day SOP with its defaults: quiet 22:00–08:00, exit on purchase", () => {
    const result = validateSequence(sequenceDraftSchema, draft());
    expect(result.ok && result.value).toMatchObject({
      quietHours: { start: "22:00", end: "08:00" },
      exit: { onPurchase: true },
      active: true,
    });
  });

  it("takes the sequences npm start seeds, whose coupons are among the seeded coupons", () => {
    const couponIds = new Set(demoCoupons(0).map((coupon) => coupon.id));
    for (const input of demoSequences()) {
      expect(problemsOf(input), input.id).toEqual([]);
      for (const step of input.steps) if (step.couponTemplate) expect(couponIds.has(step.couponTemplate)).toBe(true);
    }
    expect(demoSequences().map((s) => s.steps.map((step) => step.after.days))).toContainEqual([0, 1, 3, 7]);
  });

  it("lists every problem at once, each at its path", () => {
    const problems = problemsOf(
      draft({
        trigger: { kind: "team_failed", segment: "champions", firstPurchaseOnly: true },
        exit: { onPurchase: true, onSegmentLeft: true },
        steps: [
          { after: { days: 3, hours: 0 }, title: { "zh-CN": "{coupon}", en: "t" }, body: { "zh-CN": "{nmae}", en: "{Name} {}" } },
          { after: { days: 1, hours: 0 }, title: { "zh-CN": "t", en: "t" }, body: { "zh-CN": "长".repeat(501), en: "b" } },
        ],
        thenEnrol: "first-purchase",
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        "steps.0.title.zh-CN: {coupon} needs the step to grant a coupon (couponTemplate)",
        "steps.0.body.zh-CN: unknown placeholder {nmae}: use {name}, {product}, {coupon}, {deadline}",
        "steps.0.body.en: unknown placeholder {Name}: use {name}, {product}, {coupon}, {deadline}",
        "steps.0.body.en: unknown placeholder {}: use {name}, {product}, {coupon}, {deadline}",
        "steps.1.after: steps out of order: must come later than step 0",
        "steps.1.body.zh-CN: is oversized: at most 500 characters",
        "trigger.segment: only a segment_entered trigger names a segment",
        "trigger.firstPurchaseOnly: only an order_paid trigger can be first purchase only",
        "exit.onSegmentLeft: only a segment_entered sequence can end when the segment is left",
        "thenEnrol: a sequence cannot enrol into itself: it would loop",
      ]),
    );
  });

  it("refuses two steps at the same time, a segment trigger without its segment, empty quiet hours", () => {
    const step = { after: { days: 1, hours: 0 }, title: { "zh-CN": "t", en: "t" }, body: { "zh-CN": "b", en: "b" } };
    const problems = problemsOf(
      draft({ trigger: { kind: "segment_entered" }, steps: [step, step], quietHours: { start: "08:00", end: "08:00" } }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        "steps.1.after: steps out of order: must come later than step 0",
        "trigger.segment: segment_entered names the segment entered",
        "quietHours.end: must differ from start (null for no quiet hours)",
      ]),
    );
  });

  it("finds a loop through `then`, and none where the chain ends", () => {
    const stored = [
      { id: "a", thenEnrol: "b" },
      { id: "b", thenEnrol: "c" },
      { id: "c", thenEnrol: null },
    ];
    expect(thenLoop({ id: "c", thenEnrol: "a" }, stored)).toEqual(["c", "a", "b", "c"]);
    expect(thenLoop({ id: "c", thenEnrol: null }, stored)).toBeNull();
    expect(thenLoop({ id: "d", thenEnrol: "a" }, stored)).toBeNull();
    expect(thenLoop({ id: "d", thenEnrol: "x" }, stored)).toBeNull();
  });

  it("property: any chain of `then` has a loop exactly when following it revisits a sequence", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.nat(7), { nil: null }), { minLength: 1, maxLength: 8 }), (links) => {
        const stored = links.map((to, i) => ({ id: `s${i}`, thenEnrol: to === null || to >= links.length ? null : `s${to}` }));
        const [candidate, ...rest] = stored;
        const seen = new Set<string>();
        let at: string | null = candidate!.id;
        const byId = new Map(stored.map((s) => [s.id, s.thenEnrol]));
        while (at !== null && !seen.has(at)) {
          seen.add(at);
          at = byId.get(at) ?? null;
        }
        expect(thenLoop(candidate!, rest) !== null).toBe(at !== null);
      }),
    );
  });
});

describe("templates", () => {
  it("fills the placeholders and leaves other text alone", () => {
    const values = { name: "王芳", product: "口红", coupon: "cpn_1", deadline: "11月11日 23:59" };
    expect(renderTemplate("{name}，{product} 的券 {coupon}，{deadline} 前有效", values)).toBe(
      "王芳，口红 的券 cpn_1，11月11日 23:59 前有效",
    );
    expect(placeholderProblems("{coupon}", { couponGranted: true, trigger: "order_paid" })).toEqual([]);
  });

  it("allows {deadline} only where the trigger carries one (the presale balance reminders)", () => {
    expect(placeholderProblems("by {deadline}", { couponGranted: false, trigger: "balance_window_opened" })).toEqual([]);
    expect(placeholderProblems("by {deadline}", { couponGranted: false, trigger: "balance_window_closing" })).toEqual([]);
    expect(placeholderProblems("by {deadline}", { couponGranted: false, trigger: "order_paid" })).toEqual([
      "{deadline} needs a trigger that has one: balance_window_opened or balance_window_closing",
    ]);
  });
});

describe("quiet hours", () => {
  const quiet = { start: "22:00", end: "08:00" };

  it("the worked example: a step due at 23:00 goes out at 08:00 the next morning; 03:00 at 08:00 the same day; 10:00 at once", () => {
    expect(deferPastQuietHours(shanghai(10, 23), quiet, "Asia/Shanghai")).toBe(shanghai(11, 8));
    expect(deferPastQuietHours(shanghai(10, 3), quiet, "Asia/Shanghai")).toBe(shanghai(10, 8));
    expect(deferPastQuietHours(shanghai(10, 10), quiet, "Asia/Shanghai")).toBe(shanghai(10, 10));
    expect(deferPastQuietHours(shanghai(10, 22), quiet, "Asia/Shanghai")).toBe(shanghai(11, 8));
    expect(deferPastQuietHours(shanghai(10, 8), quiet, "Asia/Shanghai")).toBe(shanghai(10, 8));
    expect(deferPastQuietHours(shanghai(10, 23), null, "Asia/Shanghai")).toBe(shanghai(10, 23));
  });

  it("the 7-day SOP from day 0 10:00: day 0, 1, 3, 7 at 10:00", () => {
    const sequence = sequenceDraftSchema.parse(draft());
    const times = stepTimes(sequence, shanghai(10, 10), "Asia/Shanghai");
    expect(times).toEqual([0, 1, 3, 7].map((d) => shanghai(10, 10) + d * DAY));
  });

  const hhmm = fc
    .integer({ min: 0, max: 1439 })
    .map((m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
  const window = fc
    .tuple(hhmm, hhmm)
    .filter(([a, b]) => a !== b)
    .map(([start, end]) => ({ start, end }));
  const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) });
  const zone = fc.constantFrom(...ZONES);
  const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3));
  const inQuiet = (at: number, q: { start: string; end: string }, z: string) => {
    const m = localDateTimeAt(at, z).minutes;
    const [s, e] = [minutes(q.start), minutes(q.end)];
    return s < e ? m >= s && m < e : m >= s || m < e;
  };

  it("property: never earlier, never inside the quiet hours, at most the window's length later, unchanged outside", () => {
    fc.assert(
      fc.property(instant, window, zone, (at, q, z) => {
        const out = deferPastQuietHours(at, q, z);
        expect(out).toBeGreaterThanOrEqual(at);
        expect(inQuiet(out, q, z)).toBe(false);
        // A day at most, plus an hour for a DST change inside it.
        expect(out - at).toBeLessThanOrEqual(DAY + HOUR);
        if (!inQuiet(at, q, z)) expect(out).toBe(at);
      }),
    );
  });

  it("property: monotone, so steps that ascend go out in order", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 3 * DAY }), window, zone, (at, gap, q, z) => {
        expect(deferPastQuietHours(at + gap, q, z)).toBeGreaterThanOrEqual(deferPastQuietHours(at, q, z));
      }),
    );
  });
});
