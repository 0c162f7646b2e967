import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assign, type ShopperFacts, type StickyAssignments, stickyKey } from "../../src/experiments/assignment.ts";
import { enrolShopper, type EnrolmentStores } from "../../src/experiments/enrol.ts";
import type { ExperimentConfig, Variant } from "../../src/experiments/experiment-config.ts";

/** A running experiment with these variants; any keys (unit tests need not name a surface's). */
function running(variants: Array<[string, number]>, overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    key: "exp",
    name: "Test",
    description: "",
    surface: "buy_button",
    primaryMetric: "checkout",
    variants: variants.map(([key, weight]): Variant => ({ key, name: key, weight })),
    targeting: { shoppers: [], devices: [], locales: [] },
    seed: "exp",
    status: "running",
    startedAt: 1,
    stoppedAt: null,
    version: 2,
    updatedAt: 1,
    updatedBy: "test",
    ...overrides,
  };
}

const shopper = (id: string, facts: Partial<ShopperFacts> = {}): ShopperFacts => ({
  id,
  device: "phone",
  locale: "zh-CN",
  kind: "new",
  ...facts,
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => `shp_${i.toString(36).padStart(20, "0")}`);

describe("hashing and buckets match GrowthBook's published test cases", () => {
  /**
   * Hash v2 cases of GrowthBook's SDK spec: growthbook/growthbook, packages/sdk-js/test/cases.json
   * (specVersion 0.5.4), section "hash": [seed, value, version, expected]. The value is what
   * we hash as the shopper id, the seed is the experiment's seed.
   */
  const HASH_V2: Array<[string, string, number]> = [
    ["seed", "a", 0.0505],
    ["seed", "b", 0.2696],
    ["foo", "ab", 0.2575],
    ["foo", "def", 0.2019],
    ["89123klj", "8952klfjas09ujkasdf", 0.124],
    ["90850943850283058242805", "123", 0.7516],
    ["()**(%$##$%#$#", '___)((*":&', 0.0128],
  ];

  it.each(HASH_V2)("hash v2 of seed %j and id %j is %d", (seed, id, expected) => {
    const enrolment = assign(
      running(
        [
          ["a", 1],
          ["b", 1],
        ],
        { seed },
      ),
      shopper(id),
      {},
    );
    expect(enrolment?.bucket).toBe(expected);
  });

  /**
   * The same file's "getBucketRange" cases with full coverage and valid weights: a shopper's
   * variant is the range their hash falls in. Checked over 2,000 ids per case, with our
   * weights on any scale (normalised before GrowthBook sees them).
   */
  const RANGES: Array<[string, number[], Array<[number, number]>]> = [
    [
      "normal 50/50",
      [1, 1],
      [
        [0, 0.5],
        [0.5, 1],
      ],
    ],
    [
      "4 variations",
      [1, 1, 1, 1],
      [
        [0, 0.25],
        [0.25, 0.5],
        [0.5, 0.75],
        [0.75, 1],
      ],
    ],
    [
      "uneven weights",
      [40, 60],
      [
        [0, 0.4],
        [0.4, 1],
      ],
    ],
    [
      "uneven weights, 3 variations",
      [20, 30, 50],
      [
        [0, 0.2],
        [0.2, 0.5],
        [0.5, 1],
      ],
    ],
  ];

  it.each(RANGES)("%s: each shopper gets the variant whose published range holds their hash", (_name, weights, ranges) => {
    const experiment = running(weights.map((w, i) => [`v${i}`, w]));
    for (const id of ids(2_000)) {
      const { bucket, variant } = assign(experiment, shopper(id), {})!;
      const index = ranges.findIndex(([low, high]) => bucket >= low && bucket < high);
      expect(variant, `${id} at ${bucket}`).toBe(`v${index}`);
    }
  });

  it("is deterministic in (seed, shopper): the same answer every time, another seed another split", () => {
    const a = running([
      ["a", 1],
      ["b", 1],
    ]);
    const reseeded = running(
      [
        ["a", 1],
        ["b", 1],
      ],
      { seed: "other" },
    );
    const first = ids(500).map((id) => assign(a, shopper(id), {})!.variant);
    expect(ids(500).map((id) => assign(a, shopper(id), {})!.variant)).toEqual(first);
    const moved = ids(500).filter((id, i) => assign(reseeded, shopper(id), {})!.variant !== first[i]).length;
    expect(moved).toBeGreaterThan(150); // independent seeds: about half differ
  });

  it("splits 10,000 shoppers 50/50 within the chi-square bound (p > 0.001), and 10/90 likewise", () => {
    for (const [weights, label] of [
      [[1, 1], "50/50"],
      [[10, 90], "10/90"],
    ] as const) {
      const experiment = running([
        ["a", weights[0]],
        ["b", weights[1]],
      ]);
      const counts = { a: 0, b: 0 };
      for (const id of ids(10_000)) counts[assign(experiment, shopper(id), {})!.variant as "a" | "b"]++;
      const total = weights[0] + weights[1];
      const expected = [(10_000 * weights[0]) / total, (10_000 * weights[1]) / total];
      const chiSquare = (counts.a - expected[0]!) ** 2 / expected[0]! + (counts.b - expected[1]!) ** 2 / expected[1]!;
      expect(1 - chisquareCdf(chiSquare, 1), `${label}: ${counts.a}/${counts.b}`).toBeGreaterThan(0.001);
    }
  });
});

describe("stickiness: a kept assignment wins", () => {
  it("changing the weights mid-test moves no shopper already assigned, and only new shoppers follow the new split", () => {
    const before = running([
      ["red", 50],
      ["blue", 50],
    ]);
    const after = running([
      ["red", 10],
      ["blue", 90],
    ]);
    const kept = new Map<string, StickyAssignments>();
    for (const id of ids(2_000)) kept.set(id, { [stickyKey("exp")]: assign(before, shopper(id), {})!.variant });
    // Without the kept record, the move of the boundary from 0.5 to 0.1 would move every red shopper hashed in [0.1, 0.5).
    const wouldMove = ids(2_000).filter((id) => assign(after, shopper(id), {})!.variant !== kept.get(id)![stickyKey("exp")]);
    expect(wouldMove.length).toBeGreaterThan(600);
    for (const id of ids(2_000)) {
      const enrolment = assign(after, shopper(id), kept.get(id)!)!;
      expect(enrolment.variant).toBe(kept.get(id)![stickyKey("exp")]);
      expect(enrolment.sticky).toBe(true);
    }
  });

  it("a weight cut to 0 closes a variant to new shoppers only", () => {
    const closed = running([
      ["red", 1],
      ["blue", 0],
    ]);
    expect(ids(300).every((id) => assign(closed, shopper(id), {})!.variant === "red")).toBe(true);
    expect(assign(closed, shopper("shp_x"), { [stickyKey("exp")]: "blue" })!.variant).toBe("blue");
  });

  it("property: whatever the weights become, a kept variant is answered (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 24 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 0, max: 1 }),
        (id, weights, keptIndex) => {
          fc.pre(weights[0]! + weights[1]! > 0);
          const keptVariant = ["red", "blue"][keptIndex]!;
          const experiment = running([
            ["red", weights[0]!],
            ["blue", weights[1]!],
          ]);
          expect(assign(experiment, shopper(id), { [stickyKey("exp")]: keptVariant })!.variant).toBe(keptVariant);
        },
      ),
    );
  });

  it("a stopped or draft experiment enrols no one, kept assignment or not", () => {
    for (const status of ["draft", "stopped"] as const) {
      expect(
        assign(
          running(
            [
              ["a", 1],
              ["b", 1],
            ],
            { status },
          ),
          shopper("shp_1"),
          { [stickyKey("exp")]: "b" },
        ),
      ).toBeNull();
    }
  });
});

describe("targeting", () => {
  const targeted = (targeting: Partial<ExperimentConfig["targeting"]>) =>
    running(
      [
        ["a", 1],
        ["b", 1],
      ],
      { targeting: { shoppers: [], devices: [], locales: [], ...targeting } },
    );

  it("empty lists enrol everyone; each list narrows by its attribute", () => {
    expect(assign(targeted({}), shopper("s", { device: "desktop", locale: "en", kind: null }), {})).not.toBeNull();
    const phones = targeted({ devices: ["phone", "tablet"] });
    expect(assign(phones, shopper("s", { device: "tablet" }), {})).not.toBeNull();
    expect(assign(phones, shopper("s", { device: "desktop" }), {})).toBeNull();
    expect(assign(phones, shopper("s", { device: "bot" }), {})).toBeNull();
    const english = targeted({ locales: ["en"] });
    expect(assign(english, shopper("s", { locale: "en" }), {})).not.toBeNull();
    expect(assign(english, shopper("s", { locale: "zh-CN" }), {})).toBeNull();
    const returning = targeted({ shoppers: ["returning"] });
    expect(assign(returning, shopper("s", { kind: "returning" }), {})).not.toBeNull();
    expect(assign(returning, shopper("s", { kind: "new" }), {})).toBeNull();
    expect(assign(returning, shopper("s", { kind: null }), {}), "unknown kind: the rule does not match").toBeNull();
    const all = targeted({ shoppers: ["new"], devices: ["phone"], locales: ["zh-CN"] });
    expect(assign(all, shopper("s"), {})).not.toBeNull();
    expect(assign(all, shopper("s", { locale: "en" }), {})).toBeNull();
  });

  it("a shopper assigned while targeted keeps the variant after the targeting changes (GrowthBook's sticky bucketing skips it)", () => {
    const newOnly = targeted({ shoppers: ["new"] });
    expect(assign(newOnly, shopper("s", { kind: "returning" }), { [stickyKey("exp")]: "b" })).toMatchObject({ variant: "b", sticky: true });
  });
});

describe("enrolShopper", () => {
  /** Stores in memory, as Redis keeps them: the first kept wins. */
  function memoryStores(kind: "new" | "returning" | null = "new") {
    const kept = new Map<string, StickyAssignments>();
    let kindAsked = 0;
    const stores: EnrolmentStores = {
      sticky: {
        read: async (id) => ({ ...kept.get(id) }),
        keep: async (id, first) => {
          const own = kept.get(id) ?? {};
          for (const [field, variant] of Object.entries(first)) own[field] ??= variant;
          kept.set(id, own);
          return Object.fromEntries(Object.keys(first).map((field) => [field, own[field]!]));
        },
      },
      shopperKind: async () => {
        kindAsked++;
        return kind;
      },
    };
    return { stores, kept, kindAsked: () => kindAsked };
  }

  it("keeps first assignments and answers them again after a weight change", async () => {
    const { stores, kept } = memoryStores();
    const facts = { id: "shp_abc", device: "phone" as const, locale: "en" as const };
    const [first] = await enrolShopper(
      [
        running([
          ["red", 50],
          ["blue", 50],
        ]),
      ],
      facts,
      stores,
    );
    expect(kept.get("shp_abc")).toEqual({ [stickyKey("exp")]: first!.variant });
    for (const weights of [
      [100, 0],
      [0, 100],
    ]) {
      const [again] = await enrolShopper(
        [
          running([
            ["red", weights[0]!],
            ["blue", weights[1]!],
          ]),
        ],
        facts,
        stores,
      );
      expect(again).toMatchObject({ variant: first!.variant, sticky: true });
    }
  });

  it("answers the assignment another request kept first", async () => {
    const { stores } = memoryStores();
    const facts = { id: "shp_race", device: "phone" as const, locale: "en" as const };
    await stores.sticky.keep("shp_race", { [stickyKey("exp")]: "blue" });
    // The read happened before the other request kept it: simulate by a read that sees nothing.
    const racing = { ...stores, sticky: { ...stores.sticky, read: async () => ({}) } };
    const [enrolment] = await enrolShopper(
      [
        running([
          ["red", 1],
          ["blue", 0],
        ]),
      ],
      facts,
      racing,
    );
    expect(enrolment!.variant).toBe("blue");
  });

  it("asks whether the shopper is new only when a rule needs it and nothing is kept", async () => {
    const { stores, kindAsked } = memoryStores("returning");
    const facts = { id: "shp_kind", device: "phone" as const, locale: "en" as const };
    await enrolShopper(
      [
        running([
          ["a", 1],
          ["b", 1],
        ]),
      ],
      facts,
      stores,
    );
    expect(kindAsked()).toBe(0);
    const returningOnly = running(
      [
        ["a", 1],
        ["b", 1],
      ],
      { key: "ret", seed: "ret", targeting: { shoppers: ["returning"], devices: [], locales: [] } },
    );
    expect(await enrolShopper([returningOnly], facts, stores)).toHaveLength(1);
    expect(kindAsked()).toBe(1);
    await enrolShopper([returningOnly], facts, stores);
    expect(kindAsked(), "kept now: not asked again").toBe(1);
  });
});
