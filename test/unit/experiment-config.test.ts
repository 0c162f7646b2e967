import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { demoExperiments } from "../../src/experiments/demo-experiments.ts";
import {
  experimentConfigSchema,
  experimentDraftSchema,
  type ExperimentConfig,
  type ExperimentDraft,
  validateExperiment,
} from "../../src/experiments/experiment-config.ts";
import { createExperiment, startExperiment, stopExperiment, updateExperiment } from "../../src/experiments/lifecycle.ts";
import { promoWording } from "../../src/experiments/promo-wording.ts";
import { SURFACES, SURFACE_NAMES } from "../../src/experiments/surfaces.ts";

const draft = (overrides: Partial<ExperimentDraft> = {}): ExperimentDraft => ({
  key: "buy-button",
  name: "Buy button",
  description: "",
  surface: "buy_button",
  primaryMetric: "checkout",
  variants: [
    { key: "red", name: "Red", weight: 50 },
    { key: "blue", name: "Blue", weight: 50 },
  ],
  targeting: { shoppers: [], devices: [], locales: [] },
  ...overrides,
});
const stamp = (now: number) => ({ now, actor: "test" });

describe("experiment configuration (src/experiments/experiment-config.ts)", () => {
  it("accepts every surface's own variants, control first, on any weight scale", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SURFACE_NAMES),
        fc.array(fc.double({ min: 0, max: 1_000_000, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (surface, weights) => {
          fc.pre(weights.slice(0, SURFACES[surface].length).reduce((sum, w) => sum + w, 0) > 0);
          const variants = SURFACES[surface].map((key, i) => ({ key, name: key, weight: weights[i]! }));
          expect(validateExperiment(experimentDraftSchema, draft({ surface, variants })).ok).toBe(true);
        },
      ),
    );
  });

  it("refuses, each at its field: weights adding up to nothing, another surface's variant, the control not first, duplicates", () => {
    const problems = (input: unknown) => {
      const result = validateExperiment(experimentDraftSchema, input);
      return result.ok ? [] : result.problems;
    };
    expect(
      problems(
        draft({
          variants: [
            { key: "red", name: "R", weight: 0 },
            { key: "blue", name: "B", weight: 0 },
          ],
        }),
      ),
    ).toEqual(["variants: the weights must add up to more than 0"]);
    expect(
      problems(
        draft({
          variants: [
            { key: "blue", name: "B", weight: 1 },
            { key: "red", name: "R", weight: 1 },
          ],
        }),
      ),
    ).toEqual(['variants.0.key: the first variant is the control: "red" on buy_button']);
    expect(
      problems(
        draft({
          variants: [
            { key: "red", name: "R", weight: 1 },
            { key: "static", name: "S", weight: 1 },
          ],
        }),
      ),
    ).toEqual(["variants.1.key: the buy_button surface renders red or blue"]);
    expect(
      problems(
        draft({
          variants: [
            { key: "red", name: "R", weight: 1 },
            { key: "red", name: "again", weight: 1 },
          ],
        }),
      ),
    ).toEqual(['variants.1.key: "red" is already another variant\'s key']);
    // A field failing hard still leaves the cross-field problems listed.
    expect(
      problems({
        ...draft(),
        name: 7,
        variants: [
          { key: "blue", name: "B", weight: 1 },
          { key: "blue", name: "B", weight: 1 },
        ],
      }),
    ).toEqual(
      expect.arrayContaining([
        "name: Invalid input: expected string, received number",
        'variants.0.key: the first variant is the control: "red" on buy_button',
      ]),
    );
  });

  it("seeds one experiment per surface, each valid as stored, three of them running", () => {
    const seeded = demoExperiments(1_000);
    expect(seeded.map((e) => e.surface).sort()).toEqual([...SURFACE_NAMES].sort());
    for (const experiment of seeded) expect(experimentConfigSchema.safeParse(experiment).success, experiment.key).toBe(true);
    expect(seeded.filter((e) => e.status === "running")).toHaveLength(3);
  });
});

describe("experiment lifecycle (src/experiments/lifecycle.ts)", () => {
  it("draft → running → stopped, one version per change", () => {
    const created = createExperiment(draft(), stamp(1));
    expect(created).toMatchObject({ status: "draft", version: 1, seed: "buy-button" });
    const started = startExperiment(created, [], stamp(2));
    expect(started).toMatchObject({ ok: true, value: { status: "running", startedAt: 2, version: 2 } });
    const running = (started as { value: ExperimentConfig }).value;
    expect(stopExperiment(running, stamp(3))).toMatchObject({ ok: true, value: { status: "stopped", stoppedAt: 3, version: 3 } });
    expect(stopExperiment(created, stamp(3))).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  it("refuses a second running experiment on a surface, a stale edit, and any edit once stopped", () => {
    const first = { ...createExperiment(draft(), stamp(1)), status: "running" as const };
    const second = createExperiment(draft({ key: "buy-button-2" }), stamp(1));
    expect(startExperiment(second, [first], stamp(2))).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(startExperiment(second, [{ ...first, surface: "countdown" }], stamp(2)).ok).toBe(true);
    expect(updateExperiment(second, draft(), 7, stamp(2))).toMatchObject({
      ok: false,
      error: { code: "conflict", details: { version: 1 } },
    });
    expect(updateExperiment({ ...second, status: "stopped" }, draft(), 1, stamp(2))).toMatchObject({
      ok: false,
      error: { code: "conflict" },
    });
  });

  it("while running keeps the seed and refuses a new surface, metric or set of variants", () => {
    const running = { ...createExperiment(draft(), stamp(1)), status: "running" as const };
    const reweighted = updateExperiment(
      running,
      draft({
        variants: [
          { key: "red", name: "Red", weight: 1 },
          { key: "blue", name: "Blue", weight: 9 },
        ],
      }),
      1,
      stamp(2),
    );
    expect(reweighted).toMatchObject({ ok: true, value: { seed: "buy-button", version: 2 } });
    expect(updateExperiment(running, draft({ primaryMetric: "revenue" }), 1, stamp(2))).toMatchObject({
      ok: false,
      error: { code: "invalid_request", details: { problems: ["primaryMetric: cannot change while the experiment runs"] } },
    });
  });
});

describe("promotion wording (src/experiments/promo-wording.ts)", () => {
  it("says the same discount as an amount off or a fraction: ¥100 at ¥50 is 立减50元 or 5折优惠", () => {
    expect(promoWording("amount_off", 10_000, 5_000)).toEqual({ key: "promo_amount_off", values: { amount: "50", money: "¥50.00" } });
    expect(promoWording("discount", 10_000, 5_000)).toEqual({ key: "promo_discount", values: { zhe: "5", percent: "50" } });
    expect(promoWording("amount_off", 59_900, 29_950)?.values.amount).toBe("299.5");
    expect(promoWording("discount", 59_900, 41_930)?.values).toEqual({ zhe: "7", percent: "30" });
    // 64.2 % of the price is 6.5折 and 35 % off: never rounded into a bigger discount than the true one.
    expect(promoWording("discount", 10_000, 6_420)?.values).toEqual({ zhe: "6.5", percent: "35" });
  });

  it("shows nothing without a discount of at least 1 %", () => {
    expect(promoWording("discount", 10_000, 10_000)).toBeNull();
    expect(promoWording("amount_off", 10_000, null)).toBeNull();
    expect(promoWording("discount", 10_000, 9_950)).toBeNull();
  });
});
