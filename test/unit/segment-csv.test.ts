import fc from "fast-check";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { SEGMENT_CSV_COLUMNS, segmentCsvFilename, segmentCsvHeader, segmentCsvRows } from "../../src/rfm/segment-csv.ts";
import type { ShopperScores } from "../../src/rfm/segment-reads.ts";

const row = (shopperId: string): ShopperScores => ({
  shopperId,
  recencyDays: 3,
  frequency: 2,
  monetary: 45_000,
  r: 5,
  f: 4,
  m: 4,
  segment: "champions",
  previousSegment: null,
  runId: "rfm_x",
  computedAt: Date.UTC(2026, 10, 27, 2),
});

describe("a segment as CSV (issue 17)", () => {
  it("a header, then one CRLF line per shopper", () => {
    expect(segmentCsvHeader()).toBe(`${SEGMENT_CSV_COLUMNS.join(",")}\r\n`);
    expect(segmentCsvRows([row("shp_a"), row("shp_b")])).toBe(
      "shp_a,champions,5,4,4,3,2,45000,,2026-11-27T02:00:00.000Z\r\nshp_b,champions,5,4,4,3,2,45000,,2026-11-27T02:00:00.000Z\r\n",
    );
    expect(segmentCsvRows([])).toBe("");
    expect(segmentCsvFilename("at_risk", Date.UTC(2026, 10, 27, 23))).toBe("rfm-at_risk-2026-11-27.csv");
  });

  it("quotes commas, quotes and line breaks, and defuses what a spreadsheet would run as a formula", () => {
    const text = segmentCsvRows([row('shp_"a,b'), row("=HYPERLINK(1)"), row("@SUM(1)")]);
    expect(text.split("\r\n")[0]).toMatch(/^"shp_""a,b",/);
    expect(text).toContain(`"'=HYPERLINK(1)"`);
    expect(text).toContain(`"'@SUM(1)"`);
  });

  it("property: any shopper id reads back as written (or with the formula guard's quote), one row each", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 20 }), { minLength: 1, maxLength: 20 }), (ids) => {
        const parsed = Papa.parse<string[]>(segmentCsvHeader() + segmentCsvRows(ids.map(row)), { newline: "\r\n" });
        const data = parsed.data.filter((cells) => cells.length > 1);
        expect(data).toHaveLength(ids.length + 1);
        data.slice(1).forEach((cells, i) => {
          expect(cells).toHaveLength(SEGMENT_CSV_COLUMNS.length);
          expect([ids[i], `'${ids[i]}`]).toContain(cells[0]);
        });
      }),
    );
  });
});
