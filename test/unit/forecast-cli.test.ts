import { describe, expect, it } from "vitest";
import { backtestTable, forecastTable, parseForecastArgs, upcomingFromAdmin } from "../../scripts/forecast/forecast.ts";
import type { ForecastRecord } from "../../src/forecast/forecast-record.ts";

/** `npm run forecast`'s flags (every problem listed) and its two tables. */
describe("npm run forecast", () => {
  it("reads the flags, repeated --sku and --category included", () => {
    expect(
      parseForecastArgs(["--sku", "a", "--sku", "b", "--category", "tea", "--horizon", "45", "--service-level", "0.95", "--backtest"]),
    ).toEqual({
      ok: true,
      args: {
        options: { horizonDays: 45, serviceLevel: 0.95, skus: ["a", "b"], categories: ["tea"] },
        backtest: true,
        url: "http://127.0.0.1:8787",
      },
    });
    expect(parseForecastArgs(["--url", "https://shop.example.com"])).toEqual({
      ok: true,
      args: { options: { horizonDays: 30, serviceLevel: 0.9 }, backtest: false, url: "https://shop.example.com" },
    });
  });

  it("lists every problem with the flags", () => {
    expect(parseForecastArgs(["--horizon", "0", "--service-level", "90"])).toEqual({
      ok: false,
      problems: [
        "--horizon must be a whole number of days from 1 to 366; got 0",
        "--service-level must be between 0 and 1 (e.g. 0.9 for P90); got 90",
      ],
    });
    const unknown = parseForecastArgs(["--skus", "a"]);
    expect(unknown.ok).toBe(false);
  });

  it("prints a line per target with totals, bands, stocking accuracy and the stock", () => {
    const record: ForecastRecord = {
      id: "f1",
      runId: "r1",
      target: { kind: "sku", key: "tea-1" },
      createdAt: 0,
      model: "mstl_ets",
      horizonDays: 2,
      history: [],
      points: [
        { date: "2026-06-01", mean: 10, lower80: 8, upper80: 12, lower95: 7, upper95: 13 },
        { date: "2026-06-02", mean: 20, lower80: 16, upper80: 24, lower95: 14, upper95: 26 },
      ],
      backtest: { mape: 0.1, wape: 0.08, naiveMape: 0.3, naiveWape: 0.25, stockingAccuracy: 0.92, origins: 3, horizonDays: 28 },
      stock: {
        sku: "tea-1",
        startsAt: 0,
        endsAt: 1,
        serviceLevel: 0.9,
        depositUnits: 40,
        conversionRate: 0.75,
        conversionBasis: 100,
        forecastUnits: 33.2,
        recommendedUnits: 34,
        currentStock: 20,
      },
    };
    expect(forecastTable([record]).split("\n")[2]).toBe(
      "| sku tea-1 | 30 | 30 (2 d) | 24–36 | 21–39 | 92.0 % | 34 / 20 (P90, 40 deposits × 0.75) |",
    );
    expect(
      backtestTable([record, { ...record, target: { kind: "category", key: "tea" }, backtest: null }])
        .split("\n")
        .slice(2),
    ).toEqual([
      "| sku tea-1 | 3 × 28 | 10.0 % | 30.0 % | 8.0 % | 25.0 % | 92.0 % |",
      "| category tea | too little history for one origin | – | – | – | – | – |",
    ]);
  });

  it("sizes the admin API's upcoming sales over their own windows against their configured stock", () => {
    expect(upcomingFromAdmin({ sales: [{ sale: { sku: "tea-1", startsAt: 10, endsAt: 20, stock: 300 } }] })).toEqual([
      { sku: "tea-1", startsAt: 10, endsAt: 20, currentStock: 300 },
    ]);
  });
});
