import Papa from "papaparse";
import type { Validated } from "../sales/sale-config.ts";
import { parseOpeningHours } from "./opening-hours-text.ts";
import { type OpeningHours, type Store, STORE_LIMITS, storeSchema } from "./store.ts";

/**
 * The stores' CSV import (issue 15): a marketer's spreadsheet, all or nothing. Every row is
 * checked and every problem answered as `row N, column: message`, rows counted as a
 * spreadsheet shows them (the header is row 1); only a file without one problem is imported.
 *
 * Parsing is papaparse's (RFC 4180 quoting, commas and line breaks inside quotes, CRLF or LF);
 * what it tolerates and a spreadsheet user would not expect is refused here:
 * - a byte-order mark (Excel's "CSV UTF-8") is dropped;
 * - a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is refused: it would
 *   run as a formula when the stores are exported and opened in a spreadsheet again (OWASP,
 *   "CSV Injection"). Refused rather than neutralised with a quote, which would change the
 *   name the marketer sees. Numbers are parsed strictly, so no formula passes as one;
 * - at most STORE_CSV_LIMITS.maxBytes and .maxRows: a file larger is refused whole, before any
 *   row is read.
 */

export const STORE_CSV_COLUMNS = [
  "id",
  "name",
  "address",
  "city",
  "latitude",
  "longitude",
  "time_zone",
  "opening_hours",
  "redeem_only_when_open",
] as const;
export type StoreCsvColumn = (typeof STORE_CSV_COLUMNS)[number];

export const STORE_CSV_LIMITS = {
  /** 1 MiB: 5,000 stores at about 150 bytes a row, with room. */
  maxBytes: 1024 * 1024,
  maxRows: STORE_LIMITS.maxStores,
} as const;

const FORMULA = /^[=+\-@\t\r]/;
const DECIMAL = /^-?\d{1,3}(\.\d{1,12})?$/;
const TRUE = new Set(["true", "yes", "y", "1", "是"]);
const FALSE = new Set(["false", "no", "n", "0", "否", ""]);
const TEXT_COLUMNS: readonly StoreCsvColumn[] = ["id", "name", "address", "city", "time_zone", "opening_hours"];

/** Which column a field of the Store comes from. */
const COLUMN_OF: Record<string, StoreCsvColumn> = {
  id: "id",
  name: "name",
  address: "address",
  city: "city",
  latitude: "latitude",
  longitude: "longitude",
  timeZone: "time_zone",
  openingHours: "opening_hours",
  redeemOnlyWhenOpen: "redeem_only_when_open",
};

/** An example file, for the console and the README. */
export const STORE_CSV_EXAMPLE = `${STORE_CSV_COLUMNS.join(",")}
sh-jingan,Jing'an Flagship,"1618 Nanjing Road West, Jing'an",Shanghai,31.2243,121.4468,Asia/Shanghai,mon-fri 10:00-22:00; sat-sun 09:30-22:30,true
hz-xihu,West Lake,"18 Hubin Road, Shangcheng",Hangzhou,30.2569,120.1622,Asia/Shanghai,daily 10:00-22:00,false
`;

/** The stores of a CSV text, active, or every problem of every row. */
export function parseStoreCsv(input: string): Validated<Store[]> {
  if (new TextEncoder().encode(input).length > STORE_CSV_LIMITS.maxBytes) {
    return { ok: false, problems: [`the file is larger than ${STORE_CSV_LIMITS.maxBytes} bytes: import it in parts`] };
  }
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false });
  const rows = parsed.data;
  const problems: string[] = [];
  for (const error of parsed.errors) {
    // papaparse's row is 0-based over all rows, the header included; a lone trailing newline is no error.
    if (error.code === "UndetectableDelimiter") continue;
    problems.push(error.row === undefined || error.row === null ? error.message : `row ${error.row + 1}: ${error.message}`);
  }
  const header = (rows[0] ?? []).map((cell) => cell.trim().toLowerCase());
  const columns = headerProblems(header, problems);
  const body = rows.slice(1);
  const filled = body.filter((row) => !isBlank(row)).length;
  if (filled === 0 && problems.length === 0) problems.push("row 2: the file has no stores");
  if (filled > STORE_CSV_LIMITS.maxRows) {
    return { ok: false, problems: [`the file has ${filled} stores; at most ${STORE_CSV_LIMITS.maxRows} are imported at once`] };
  }
  if (!columns) return { ok: false, problems };
  const stores: Store[] = [];
  const firstRowOf = new Map<string, number>();
  // Most rows of a chain's file share a few opening hours: each text is parsed once.
  const hoursOf = new Map<string, Validated<OpeningHours>>();
  const readHours = (text: string) => {
    const known = hoursOf.get(text);
    if (known) return known;
    const hours = parseOpeningHours(text);
    hoursOf.set(text, hours);
    return hours;
  };
  body.forEach((cells, index) => {
    if (isBlank(cells)) return;
    const rowNumber = index + 2;
    const store = storeOfRow(cells, header, rowNumber, problems, readHours);
    // A repeated id is named whatever else is wrong with either row: fixing one must not reveal the other.
    const id = (cells[header.indexOf("id")] ?? "").trim();
    const first = firstRowOf.get(id);
    if (id !== "" && first !== undefined) problems.push(`row ${rowNumber}, id: "${id}" is also on row ${first}`);
    else if (id !== "") firstRowOf.set(id, rowNumber);
    if (store) stores.push(store);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: stores };
}

function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === "");
}

/** Every expected column present once and nothing else (any order): true, else false with the problems added. */
function headerProblems(header: string[], problems: string[]): boolean {
  const before = problems.length;
  const known = new Set<string>(STORE_CSV_COLUMNS);
  header.forEach((column, index) => {
    if (!known.has(column))
      problems.push(`row 1, ${column || `column ${index + 1}`}: not a column of the import (${STORE_CSV_COLUMNS.join(",")})`);
    else if (header.indexOf(column) !== index) problems.push(`row 1, ${column}: named twice`);
  });
  for (const column of STORE_CSV_COLUMNS) if (!header.includes(column)) problems.push(`row 1, ${column}: missing column`);
  return problems.length === before;
}

/** One row as a Store, or null with its problems added, in the order of the columns. */
function storeOfRow(
  cells: string[],
  header: string[],
  row: number,
  problems: string[],
  readHours: (text: string) => Validated<OpeningHours>,
): Store | null {
  if (cells.length !== header.length) {
    problems.push(`row ${row}: ${cells.length} fields, the header has ${header.length} (a comma inside a value needs "quotes")`);
    return null;
  }
  const cell = (column: StoreCsvColumn) => (cells[header.indexOf(column)] ?? "").trim();
  const found: Array<{ column: StoreCsvColumn; message: string }> = [];
  const refuse = (column: StoreCsvColumn, message: string) => found.push({ column, message });
  for (const column of TEXT_COLUMNS) {
    if (FORMULA.test(cells[header.indexOf(column)] ?? "")) refuse(column, "must not start with = + - @ or a tab (a spreadsheet formula)");
  }
  const number = (column: StoreCsvColumn): number | undefined => {
    const value = cell(column);
    if (DECIMAL.test(value)) return Number(value);
    refuse(column, value === "" ? "must not be empty" : `"${value}" is not a decimal number of degrees, e.g. 31.2304`);
    return undefined;
  };
  const latitude = number("latitude");
  const longitude = number("longitude");
  const flag = cell("redeem_only_when_open").toLowerCase();
  if (!TRUE.has(flag) && !FALSE.has(flag)) refuse("redeem_only_when_open", `"${flag}" is not true or false`);
  const hours = readHours(cell("opening_hours"));
  if (!hours.ok) for (const problem of hours.problems) refuse("opening_hours", problem);
  const candidate = {
    id: cell("id"),
    name: cell("name"),
    address: cell("address"),
    city: cell("city"),
    latitude: latitude ?? 0,
    longitude: longitude ?? 0,
    ...(cell("time_zone") === "" ? {} : { timeZone: cell("time_zone") }),
    openingHours: hours.ok ? hours.value : undefined,
    redeemOnlyWhenOpen: TRUE.has(flag),
    active: true,
  };
  const parsed = storeSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "");
      // Numbers already refused as text are not refused again as 0.
      if ((field === "latitude" && latitude === undefined) || (field === "longitude" && longitude === undefined)) continue;
      refuse(COLUMN_OF[field] ?? "id", issue.message);
    }
  }
  const order = (column: StoreCsvColumn) => STORE_CSV_COLUMNS.indexOf(column);
  for (const { column, message } of found.sort((a, b) => order(a.column) - order(b.column))) {
    problems.push(`row ${row}, ${column}: ${message}`);
  }
  return found.length === 0 && parsed.success ? parsed.data : null;
}
