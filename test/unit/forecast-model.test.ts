import { describe, expect, it } from "vitest";
import { dailyForecast, mstlForecast } from "../../scripts/forecast/model.ts";
import { forecastSeries } from "../../scripts/forecast/run-forecast.ts";
import { rollingOrigin } from "../../src/forecast/backtest.ts";
import { dayNumber } from "../../src/forecast/festivals.ts";
import { improvement, mape } from "../../src/forecast/metrics.ts";
import { seasonalNaive } from "../../src/forecast/seasonal-naive.ts";
import { airPassengers } from "../fixtures/forecast/airpassengers.ts";
import { retailSeries } from "../fixtures/forecast/retail-series.ts";

/**
 * The model (@bsull/augurs' MSTL + ETS through its WASM, in Node) on issue 19's two series:
 * AirPassengers (train 1949–1959, test 1960) and the generated daily retail series. The same
 * figures are printed by `npm run eval:forecast`.
 */
describe("AirPassengers (Box & Jenkins), train 1949–1959, test 1960", () => {
  const series = airPassengers().map((m) => m.passengers);
  const train = series.slice(0, 132);
  const test = series.slice(132);
  const bands = mstlForecast(train, [12], 12, "log");
  const naive = seasonalNaive(train, 12, 12);

  it("scores MAPE ≤ 5 % and at least 40 % better than seasonal-naive", () => {
    const model = mape(test, bands.mean);
    const baseline = mape(test, naive);
    console.log(`AirPassengers 1960: MAPE ${(model * 100).toFixed(2)} % vs seasonal-naive ${(baseline * 100).toFixed(2)} %`);
    expect(model).toBeLessThanOrEqual(0.05);
    expect(improvement(model, baseline)).toBeGreaterThanOrEqual(0.4);
  });

  it("gives nested 80 % and 95 % bands around the forecast that cover most of 1960", () => {
    let inside95 = 0;
    bands.mean.forEach((mean, i) => {
      expect(bands.lower95[i]).toBeLessThan(bands.lower80[i] as number);
      expect(bands.lower80[i]).toBeLessThan(mean);
      expect(bands.upper80[i]).toBeGreaterThan(mean);
      expect(bands.upper95[i]).toBeGreaterThan(bands.upper80[i] as number);
      if ((test[i] as number) >= (bands.lower95[i] as number) && (test[i] as number) <= (bands.upper95[i] as number)) inside95 += 1;
    });
    expect(inside95).toBeGreaterThanOrEqual(10);
  });
});

describe("generated daily retail series (weekly, yearly, festivals, noise)", () => {
  const { firstDay, values } = retailSeries();

  it("beats seasonal-naive on WAPE over a rolling-origin year, and the festival effects help", () => {
    const run = (festivals: boolean) =>
      rollingOrigin(
        values,
        firstDay,
        (history, first, horizon) => dailyForecast(history, first, { periods: [7, 365], horizon, festivals }).map((p) => p.mean),
        { horizon: 28, origins: 13, period: 7, minTrain: 730 },
      );
    const withFestivals = run(true);
    const without = run(false);
    if (!withFestivals || !without) throw new Error("no origin");
    console.log(
      `retail: WAPE ${(withFestivals.wape * 100).toFixed(1)} % (without festivals ${(without.wape * 100).toFixed(1)} %) vs seasonal-naive ${(withFestivals.naiveWape * 100).toFixed(1)} %`,
    );
    expect(withFestivals.origins).toBe(13);
    expect(withFestivals.wape).toBeLessThan(withFestivals.naiveWape);
    expect(withFestivals.wape).toBeLessThan(without.wape);
  });

  it("forecasts the 11.11 peak ahead of it from past years' multipliers", () => {
    const cut = dayNumber("2025-10-31") - firstDay + 1;
    const points = dailyForecast(values.slice(0, cut), firstDay, { periods: [7, 365], horizon: 20 });
    const day = (date: string) => points.find((p) => p.date === date);
    expect(points[0]?.date).toBe("2025-11-01");
    const peak = day("2025-11-11");
    const after = day("2025-11-18");
    if (!peak || !after) throw new Error("missing days");
    const actualPeak = values[dayNumber("2025-11-11") - firstDay] as number;
    expect(peak.mean).toBeGreaterThan(3 * after.mean);
    expect(Math.abs(peak.mean - actualPeak) / actualPeak).toBeLessThan(0.3);
    expect(actualPeak).toBeGreaterThanOrEqual(peak.lower95);
    expect(actualPeak).toBeLessThanOrEqual(peak.upper95);
  });
});

describe("awkward shop series", () => {
  const firstDay = dayNumber("2026-01-05");

  it("a constant, a nearly empty and a sparse series give finite, non-negative, nested forecasts", () => {
    const series = {
      constant: Array(30).fill(5),
      "one sale then nothing": [3, ...Array(29).fill(0)],
      sparse: Array.from({ length: 60 }, (_, i) => (i % 13 === 0 ? 1 : 0)),
    };
    for (const [name, values] of Object.entries(series)) {
      const result = forecastSeries({ firstDay, values }, 10, true);
      if (typeof result === "string") throw new Error(`${name}: ${result}`);
      expect(result.points).toHaveLength(10);
      for (const p of result.points) {
        for (const v of [p.mean, p.lower80, p.upper80, p.lower95, p.upper95]) expect(Number.isFinite(v) && v >= 0).toBe(true);
        expect(p.lower95 <= p.lower80 && p.lower80 <= p.mean && p.mean <= p.upper80 && p.upper80 <= p.upper95).toBe(true);
      }
    }
    const constant = forecastSeries({ firstDay, values: Array(30).fill(5) }, 3, false);
    expect(typeof constant !== "string" && constant.points.map((p) => Math.round(p.mean))).toEqual([5, 5, 5]);
  });

  it("too little history is the message, not a forecast", () => {
    expect(forecastSeries({ firstDay, values: Array(9).fill(1) }, 10, true)).toBe(
      "needs at least 2 × 7 days of history for weekly seasonality; has 9",
    );
  });
});
