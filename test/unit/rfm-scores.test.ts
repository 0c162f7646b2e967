import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quintileScore, quintileScores, recencyScores } from "../../src/rfm/quintiles.ts";
import { fmScore, SEGMENT_GRID, segmentOf } from "../../src/rfm/segment-map.ts";
import { SEGMENTS } from "../../src/rfm/segment-names.ts";

const values = fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 });

describe("tie-aware quintile scores", () => {
  it("the issue's worked example: the six 1s share one score, not NTILE's split", () => {
    expect(quintileScores([1, 1, 1, 1, 1, 1, 2, 2, 3, 10])).toEqual([2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
    // In any order: a score belongs to the value, not to its place.
    expect(quintileScores([10, 1, 2, 1, 3, 1, 1, 2, 1, 1])).toEqual([5, 2, 4, 2, 5, 2, 2, 4, 2, 2]);
  });

  it("distinct values fall into five equal runs, as plain quintiles would", () => {
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it("a population all equal scores the middle, 3; one shopper alone too", () => {
    expect(quintileScores([7, 7, 7, 7])).toEqual([3, 3, 3, 3]);
    expect(quintileScores([42])).toEqual([3]);
  });

  it("recency is reversed: the fewest days score highest", () => {
    expect(recencyScores([0, 400, 30, 30, 90])).toEqual([5, 1, 4, 4, 2]);
  });

  it("property: scores are whole numbers 1..5", () => {
    fc.assert(
      fc.property(values, (vs) => {
        for (const s of quintileScores(vs)) expect(Number.isInteger(s) && s >= 1 && s <= 5).toBe(true);
      }),
    );
  });

  it("property: equal values get equal scores (ties never split)", () => {
    fc.assert(
      fc.property(values, (vs) => {
        const scores = quintileScores(vs);
        const byValue = new Map<number, number>();
        vs.forEach((v, i) => {
          expect(byValue.get(v) ?? scores[i]).toBe(scores[i]);
          byValue.set(v, scores[i]!);
        });
      }),
    );
  });

  it("property: monotone, a larger value never scores lower (and recency the other way)", () => {
    fc.assert(
      fc.property(values, (vs) => {
        const scores = quintileScores(vs);
        const recency = recencyScores(vs);
        for (let i = 0; i < vs.length; i++) {
          for (let j = 0; j < vs.length; j++) {
            if (vs[i]! < vs[j]!) {
              expect(scores[i]).toBeLessThanOrEqual(scores[j]!);
              expect(recency[i]).toBeGreaterThanOrEqual(recency[j]!);
            }
          }
        }
      }),
    );
  });

  it("property: the order of the shoppers changes no one's score", () => {
    fc.assert(
      fc.property(values, fc.infiniteStream(fc.nat()), (vs, seeds) => {
        const order = vs.map((_, i) => [seeds.next().value, i] as const).sort((a, b) => a[0] - b[0]);
        const shuffled = order.map(([, i]) => vs[i]!);
        const before = quintileScores(vs);
        const after = quintileScores(shuffled);
        order.forEach(([, i], k) => {
          expect(after[k]).toBe(before[i]);
        });
      }),
    );
  });

  it("property: with no ties each score holds a fifth of the shoppers, to within one", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 5, maxLength: 300 }), (vs) => {
        const counts = [1, 2, 3, 4, 5].map((s) => quintileScores(vs).filter((x) => x === s).length);
        for (const count of counts) expect(Math.abs(count - vs.length / 5)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("the integer form SQL computes equals the percentile rank's definition", () => {
    const counts = fc
      .integer({ min: 1, max: 10_000 })
      .chain((n) =>
        fc
          .integer({ min: 0, max: n - 1 })
          .chain((below) => fc.tuple(fc.constant(n), fc.constant(below), fc.integer({ min: 1, max: n - below }))),
      );
    fc.assert(
      fc.property(counts, ([n, below, equal]) => {
        expect(quintileScore(below, equal, n)).toBe(1 + Math.floor(5 * ((below + equal / 2) / n) + 1e-9));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("the segment grid", () => {
  it("FM is the mean of F and M rounded half up", () => {
    expect([fmScore(1, 1), fmScore(1, 2), fmScore(2, 3), fmScore(4, 5), fmScore(5, 5)]).toEqual([1, 2, 3, 5, 5]);
  });

  it("names the usual cells", () => {
    expect(segmentOf(5, 5, 5)).toBe("champions");
    expect(segmentOf(5, 1, 1)).toBe("new");
    expect(segmentOf(4, 1, 1)).toBe("promising");
    expect(segmentOf(4, 4, 5)).toBe("loyal");
    expect(segmentOf(5, 3, 2)).toBe("potential_loyalists");
    expect(segmentOf(3, 3, 3)).toBe("need_attention");
    expect(segmentOf(3, 1, 2)).toBe("about_to_sleep");
    expect(segmentOf(2, 4, 3)).toBe("at_risk");
    expect(segmentOf(1, 5, 5)).toBe("cant_lose");
    expect(segmentOf(2, 1, 1)).toBe("hibernating");
    expect(segmentOf(1, 1, 1)).toBe("lost");
  });

  it("covers all 125 score triples, uses every named segment, and refuses scores outside 1..5", () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(segmentOf(r, f, m));
    expect([...seen].sort()).toEqual([...SEGMENTS].sort());
    expect(SEGMENT_GRID.flat()).toHaveLength(25);
    expect(() => segmentOf(0, 3, 3)).toThrow(RangeError);
    expect(() => segmentOf(3, 6, 6)).toThrow(RangeError);
  });

  it("property: more recent never lands in a colder segment at the same FM (recency order of the grid)", () => {
    // Warmth of each segment for recency: a shopper who bought more recently is never in a
    // segment meant for those who left (lost, hibernating, at_risk, cant_lose) while an older one is not.
    const gone = new Set(["lost", "hibernating", "at_risk", "cant_lose"]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (r, f, m) => {
        if (!gone.has(segmentOf(r, f, m))) expect(gone.has(segmentOf(r + 1, f, m))).toBe(false);
      }),
    );
  });
});
