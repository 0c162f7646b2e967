import Papa from "papaparse";
import type { ShopperScores } from "./segment-reads.ts";

/**
 * A segment as CSV (issue 17's export), for a marketer's spreadsheet or a campaign tool: RFC
 * 4180 quoting by papaparse, CRLF line ends, and `escapeFormulae` so no cell can run as a
 * formula when opened (OWASP "CSV Injection"; the stores' import refuses such cells,
 * src/stores/store-csv.ts). Written a page at a time: the header once, then each page's rows.
 */
export const SEGMENT_CSV_COLUMNS = [
  "shopper_id",
  "segment",
  "r",
  "f",
  "m",
  "recency_days",
  "frequency",
  "monetary_fen",
  "previous_segment",
  "computed_at",
] as const;

const OPTIONS = { newline: "\r\n", escapeFormulae: true, quotes: false } as const;

/** The header line. */
export function segmentCsvHeader(): string {
  return `${Papa.unparse([[...SEGMENT_CSV_COLUMNS]], OPTIONS)}\r\n`;
}

/** The lines of a page of shoppers, each ending in CRLF ("" for none). */
export function segmentCsvRows(rows: readonly ShopperScores[]): string {
  if (rows.length === 0) return "";
  const cells = rows.map((row) => [
    row.shopperId,
    row.segment,
    row.r,
    row.f,
    row.m,
    row.recencyDays,
    row.frequency,
    row.monetary,
    row.previousSegment ?? "",
    new Date(row.computedAt).toISOString(),
  ]);
  return `${Papa.unparse(cells, OPTIONS)}\r\n`;
}

/** The export's file name: the segment and the day of its run, e.g. `rfm-champions-2026-11-27.csv`. */
export function segmentCsvFilename(segment: string, at: number): string {
  return `rfm-${segment}-${new Date(at).toISOString().slice(0, 10)}.csv`;
}
