import { describe, expect, it } from "vitest";
import { describeDatabaseFailure, isRefusedForData } from "../../src/db/errors.ts";

describe("describeDatabaseFailure", () => {
  it("reads the driver's SQLSTATE and constraint under drizzle's wrapper, and never the query, its parameters or the row", () => {
    const driver = Object.assign(new Error('new row for relation "orders" violates check constraint "orders_total_nonnegative"'), {
      code: "23514",
      constraint: "orders_total_nonnegative",
      detail: "Failing row contains (ord_a, sku, shp_secret, 1, ...)",
    });
    const wrapped = Object.assign(new Error(`Failed query: insert into "orders" ...\nparams: [{"shopper_id":"shp_secret"}]`), {
      cause: driver,
    });
    const failure = describeDatabaseFailure(wrapped);
    expect(failure).toEqual({
      sqlstate: "23514",
      constraint: "orders_total_nonnegative",
      summary: '23514 (orders_total_nonnegative) new row for relation "orders" violates check constraint "orders_total_nonnegative"',
    });
    expect(isRefusedForData(failure)).toBe(true);
  });

  it("names a connection failure by its deepest cause, with credentials masked, and does not call it a refusal", () => {
    const failure = describeDatabaseFailure(
      Object.assign(new Error("Failed query: select 1\nparams: "), { cause: new Error("cannot reach postgres://user:pw@db.example/x") }),
    );
    expect(failure).toEqual({ sqlstate: null, constraint: null, summary: "cannot reach postgres://***@db.example/x" });
    expect(isRefusedForData(failure)).toBe(false);
  });

  it("treats only data (22) and integrity (23) classes as refusals", () => {
    const of = (code: string) => isRefusedForData(describeDatabaseFailure(Object.assign(new Error("x"), { code })));
    expect(["22003", "22P02", "23505", "23514"].map(of)).toEqual([true, true, true, true]);
    expect(["40001", "40P01", "57P01", "08006", "42P01"].map(of)).toEqual([false, false, false, false, false]);
  });
});
