import { describe, expect, it } from "vitest";
import type { ForecastPoint } from "../../src/forecast/forecast-record.ts";
import { conversionFor, recommendStock, saleDays } from "../../src/forecast/stock.ts";

/**
 * The stock recommendation for one sale (issue 19), worked by hand: the sale's Asia/Shanghai
 * days pick the forecast's points, their summed mean and σ give the quantile at the service
 * level, deposits × conversion win when larger, and a horizon shorter than the sale is said.
 */

const Z90 = 1.2815515655446004;
const Z95 = 1.959963984540054;

/** A day whose 80 % and 95 % bands imply a normal spread of `sigma`. */
const point = (date: string, mean: number, sigma: number): ForecastPoint => ({
  date,
  mean,
  lower80: mean - Z90 * sigma,
  upper80: mean + Z90 * sigma,
  lower95: mean - Z95 * sigma,
  upper95: mean + Z95 * sigma,
});

// 2026-11-10 … 2026-11-15; the sale takes the middle three.
const points = [
  point("2026-11-10", 999, 50),
  point("2026-11-11", 100, 10),
  point("2026-11-12", 50, 20),
  point("2026-11-13", 30, 10),
  point("2026-11-14", 40, 5),
  point("2026-11-15", 40, 5),
];
/** Midnight in Shanghai (UTC+8) of a date. */
const shanghai = (date: string, hour = 0) => Date.parse(`${date}T00:00:00Z`) - 8 * 3_600_000 + hour * 3_600_000;
// 11.11 00:00 to 11.14 00:00 Shanghai: three days, the end exclusive.
const sale = { sku: "kettle-1", startsAt: shanghai("2026-11-11"), endsAt: shanghai("2026-11-14"), stock: 150 };
const noDeposits = { depositUnits: 0, conversion: { rate: 1, basis: 0 } };

describe("recommendStock", () => {
  it("sums the sale's three days: P90 = 180 + 1.2816 × 40 = 231.26, so 232 units", () => {
    const stock = recommendStock({ points, sale, ...noDeposits, serviceLevel: 0.9 });
    expect(stock.forecastUnits).toBeCloseTo(180 + Z90 * 40, 6);
    expect(stock.forecastUnits).toBeCloseTo(231.262, 3);
    expect(stock).toMatchObject({
      sku: "kettle-1",
      startsAt: sale.startsAt,
      endsAt: sale.endsAt,
      serviceLevel: 0.9,
      recommendedUnits: 232,
      currentStock: 150,
      saleDays: 3,
      coveredDays: 3,
    });
    // The median is the sum of the means.
    expect(recommendStock({ points, sale, ...noDeposits, serviceLevel: 0.5 }).recommendedUnits).toBe(180);
  });

  it("rises with the service level", () => {
    const at = (serviceLevel: number) => recommendStock({ points, sale, ...noDeposits, serviceLevel }).recommendedUnits;
    const levels = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999].map(at);
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeGreaterThan(levels[i - 1] as number);
  });

  it("takes deposits × conversion when they are more: 300 × 0.8 = 240 > 231.26", () => {
    const stock = recommendStock({ points, sale, depositUnits: 300, conversion: { rate: 0.8, basis: 50 }, serviceLevel: 0.9 });
    expect(stock).toMatchObject({ depositUnits: 300, conversionRate: 0.8, conversionBasis: 50, recommendedUnits: 240 });
    expect(stock.forecastUnits).toBeCloseTo(231.262, 3);
  });

  it("says when the sale runs past the forecast's horizon", () => {
    // 11.11 to 11.17 00:00: six days, the points reach 11.15 (five of them).
    const long = { ...sale, endsAt: shanghai("2026-11-17") };
    const stock = recommendStock({ points, sale: long, ...noDeposits, serviceLevel: 0.5 });
    expect(stock).toMatchObject({ saleDays: 6, coveredDays: 5, recommendedUnits: 260 });
    // A sale wholly beyond it: nothing forecast, deposits alone.
    const later = { ...sale, startsAt: shanghai("2026-12-01"), endsAt: shanghai("2026-12-02") };
    const beyond = recommendStock({ points, sale: later, depositUnits: 7, conversion: { rate: 1, basis: 0 }, serviceLevel: 0.9 });
    expect(beyond).toMatchObject({ saleDays: 1, coveredDays: 0, forecastUnits: 0, recommendedUnits: 7 });
  });
});

describe("saleDays", () => {
  it("are Shanghai calendar days, the end exclusive", () => {
    // 15:59 UTC on 11.10 is 23:59 in Shanghai; to 08:00 Shanghai on 11.12.
    expect(saleDays({ startsAt: shanghai("2026-11-10", 23), endsAt: shanghai("2026-11-12", 8) })).toEqual([
      "2026-11-10",
      "2026-11-11",
      "2026-11-12",
    ]);
    expect(saleDays({ startsAt: shanghai("2026-11-11"), endsAt: shanghai("2026-11-12") })).toEqual(["2026-11-11"]);
  });
});

describe("conversionFor", () => {
  const ended = [
    { sku: "a", qty: 8, outcome: "paid" as const },
    { sku: "a", qty: 2, outcome: "forfeited" as const },
    { sku: "b", qty: 5, outcome: "forfeited" as const },
  ];
  it("is the SKU's own when it has ended presales, else the shop's, else 1", () => {
    expect(conversionFor(ended, "a")).toEqual({ rate: 0.8, basis: 10 });
    expect(conversionFor(ended, "b")).toEqual({ rate: 0, basis: 5 });
    expect(conversionFor(ended, "c")).toEqual({ rate: 8 / 15, basis: 15 });
    expect(conversionFor([], "c")).toEqual({ rate: 1, basis: 0 });
  });
});
