import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERRORS } from "../../src/error-codes.ts";

/**
 * The README's table of error codes is for readers; the one table is src/error-codes.ts. This
 * keeps the two the same: every code the API can answer, with its status, once, in order.
 */
describe("the README's error table", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const rows = [...readme.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map(([, code, status]) => [code, Number(status)]);

  it("lists every error code with its status, in the table's order", () => {
    expect(rows).toEqual(Object.entries(ERRORS).map(([code, { status }]) => [code, status]));
  });
});
