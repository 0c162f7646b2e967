import { describe, expect, it } from "vitest";
import { listedIds, seedTooSmall, validateAudienceRequest } from "../../src/audiences/audience-request.ts";

/** A lookalike audience's request (issue 18): every problem listed at once. */
describe("the audience request", () => {
  it("takes a segment, a SKU or a list, with a percent in tenths", () => {
    expect(validateAudienceRequest({ name: "VIP", seed: { kind: "segment", segment: "champions" }, percent: 2.5 })).toEqual({
      ok: true,
      value: { name: "VIP", seed: { kind: "segment", segment: "champions" }, percentTenths: 25 },
    });
    expect(validateAudienceRequest({ name: "Buyers", seed: { kind: "sku", sku: "phone-x" }, percent: 1 })).toMatchObject({
      ok: true,
      value: { seed: { kind: "sku", sku: "phone-x" }, percentTenths: 10 },
    });
    const list = validateAudienceRequest({
      name: "List",
      seed: { kind: "list", csv: "shopper_id\r\nshp_a\r\nshp_b\r\nshp_a\r\n" },
      percent: 10,
    });
    expect(list).toMatchObject({ ok: true, value: { seed: { kind: "list", shopperIds: ["shp_a", "shp_b"] }, percentTenths: 100 } });
  });

  it("lists every problem of a bad request, the list's malformed lines among them", () => {
    const result = validateAudienceRequest({
      name: "",
      seed: { kind: "list", csv: "shp_ok\nnot an id\nshp_two,extra\n" },
      percent: 12.05,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        "name: must not be empty",
        "percent: must be at most 10",
        "percent: must be a multiple of 0.1",
        'seed.csv: line 2: "not an id" is not a shopper id (shp_…)',
        "seed.csv: line 3: expected one column (a shopper id), found 2",
      ]),
    );
  });

  it("refuses an unknown segment, an unknown seed kind and a percent below 1", () => {
    const a = validateAudienceRequest({ name: "x", seed: { kind: "segment", segment: "whales" }, percent: 0.5 });
    expect(a.ok ? [] : a.problems).toEqual(expect.arrayContaining(["percent: must be at least 1"]));
    expect((a.ok ? [] : a.problems).some((p) => p.startsWith("seed.segment: must be one of champions"))).toBe(true);
    const b = validateAudienceRequest({ name: "x", seed: { kind: "lookalike" }, percent: "1" });
    expect(b.ok ? [] : b.problems).toEqual(
      expect.arrayContaining(["seed.kind: seed.kind must be segment, sku or list", "percent: must be a number"]),
    );
  });

  it("names at most 20 bad ids and counts the rest", () => {
    const ids = Array.from({ length: 25 }, (_, i) => `bad${i}`);
    const { problems } = listedIds({ shopperIds: ids });
    expect(problems).toHaveLength(21);
    expect(problems.at(-1)).toBe("seed: and 5 more ids that are not shopper ids");
    expect(listedIds({}).problems).toEqual(["seed: a list needs shopperIds or csv"]);
  });

  it("says how small a seed is", () => {
    expect(seedTooSmall(42, { kind: "segment", segment: "lost" })).toBe("seed: segment lost has 42 shoppers; at least 100 are needed");
    expect(seedTooSmall(3, { kind: "list", shopperIds: ["shp_a", "shp_b", "shp_c", "shp_d"] })).toBe(
      "seed: 3 of the 4 listed ids are shoppers of this shop; at least 100 are needed",
    );
  });
});
