import { describe, expect, it } from "vitest";
import { rollingOrigin } from "../../src/forecast/backtest.ts";
import { dailySeries, shopDay, toDailyUnits } from "../../src/forecast/daily-series.ts";
import {
  dateOfDay,
  dayNumber,
  festivalCalendar,
  learnFestivalEffects,
  multiplierOf,
  SPRING_FESTIVAL,
} from "../../src/forecast/festivals.ts";
import type { ForecastPoint } from "../../src/forecast/forecast-record.ts";
import { checkHistory } from "../../src/forecast/history-check.ts";
import { improvement, mape, wape } from "../../src/forecast/metrics.ts";
import { seasonalNaive } from "../../src/forecast/seasonal-naive.ts";
import { conversionRate, impliedSigma, recommendedUnits, windowQuantile } from "../../src/forecast/stock.ts";

/**
 * The forecast's pure parts (issue 19): the error measures against hand-computed examples,
 * seasonal-naive, the history check's message, the festival calendar and learned multipliers,
 * Asia/Shanghai days, the stock quantile and the conversion rate, the rolling-origin backtest.
 */
describe("error measures", () => {
  it("MAPE and WAPE match a hand computation", () => {
    // actual 100, 200, 0, 50; forecast 110, 180, 5, 50:
    // MAPE over days with sales = (10/100 + 20/200 + 0/50) / 3 = 0.2 / 3
    // WAPE = (10 + 20 + 5 + 0) / (100 + 200 + 0 + 50) = 35 / 350 = 0.1
    expect(mape([100, 200, 0, 50], [110, 180, 5, 50])).toBeCloseTo(0.2 / 3, 12);
    expect(wape([100, 200, 0, 50], [110, 180, 5, 50])).toBeCloseTo(0.1, 12);
  });

  it("a day without sales is left out of MAPE but counts in WAPE; nothing sold at all is NaN", () => {
    expect(mape([0, 10], [100, 10])).toBe(0);
    expect(wape([0, 10], [100, 10])).toBe(10);
    expect(mape([0, 0], [1, 1])).toBeNaN();
    expect(wape([0, 0], [1, 1])).toBeNaN();
  });

  it("refuses series of different lengths, and improvement is the share of error removed", () => {
    expect(() => mape([1, 2], [1])).toThrow(/same days/);
    expect(improvement(0.03, 0.1)).toBeCloseTo(0.7, 12);
  });
});

describe("seasonal-naive", () => {
  it("repeats the last season, again beyond one season", () => {
    expect(seasonalNaive([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, 7)).toEqual([8, 9, 10, 8, 9, 10, 8]);
  });

  it("needs one season of history", () => {
    expect(() => seasonalNaive([1, 2], 7, 3)).toThrow("seasonal-naive needs at least one season (7 values) of history; has 2");
  });
});

describe("history check", () => {
  it("too little history says how much is needed and how much there is", () => {
    expect(checkHistory(9, [7, 365])).toEqual({
      ok: false,
      problems: ["needs at least 2 × 7 days of history for weekly seasonality; has 9"],
    });
    expect(checkHistory(20, [12], "monthly")).toEqual({
      ok: false,
      problems: ["needs at least 2 × 12 months of history for monthly-in-year seasonality; has 20"],
    });
  });

  it("keeps the periods two seasons long, and says why a longer one was left out", () => {
    expect(checkHistory(14, [365, 7])).toEqual({
      ok: true,
      plan: { periods: [7], notes: ["yearly seasonality left out: it needs 2 × 365 days of history; has 14"] },
    });
    expect(checkHistory(730, [7, 365])).toEqual({ ok: true, plan: { periods: [7, 365], notes: [] } });
  });
});

describe("festivals", () => {
  it("has every lunar new year 2015–2035, each between 21 January and 20 February", () => {
    for (let year = 2015; year <= 2035; year += 1) {
      const date = SPRING_FESTIVAL[year] as string;
      expect(date.slice(0, 4)).toBe(String(year));
      expect(date >= `${year}-01-21` && date <= `${year}-02-20`).toBe(true);
    }
    expect(SPRING_FESTIVAL[2024]).toBe("2024-02-10");
    expect(SPRING_FESTIVAL[2026]).toBe("2026-02-17");
  });

  it("places each day in its festival window by offset", () => {
    const calendar = festivalCalendar(dayNumber("2026-01-01"), dayNumber("2026-12-31"));
    expect(calendar.get(dayNumber("2026-11-11"))).toEqual({ festival: "11.11", offset: 0 });
    expect(calendar.get(dayNumber("2026-11-01"))).toEqual({ festival: "11.11", offset: -10 });
    expect(calendar.get(dayNumber("2026-10-31"))).toBeUndefined();
    expect(calendar.get(dayNumber("2026-06-16"))).toEqual({ festival: "6.18", offset: -2 });
    expect(calendar.get(dayNumber("2026-02-10"))).toEqual({ festival: "spring_festival", offset: -7 });
    expect(calendar.get(dayNumber("2026-02-23"))).toEqual({ festival: "spring_festival", offset: 6 });
    expect(dateOfDay(dayNumber("2026-02-23"))).toBe("2026-02-23");
  });

  it("learns a festival day's multiplier from past years against the same weekdays before it", () => {
    // Two years of a flat 9 a day (baseline + 1 = 10), except 11.11, which sells 49 (+1 = 50): ×5.
    const firstDay = dayNumber("2024-01-01");
    const values = Array.from({ length: 731 }, (_, i) => {
      const date = dateOfDay(firstDay + i);
      return date.endsWith("-11-11") ? 49 : 9;
    });
    const effects = learnFestivalEffects(values, firstDay);
    expect(multiplierOf(effects, { festival: "11.11", offset: 0 })).toBeCloseTo(5, 9);
    expect(effects.get("11.11:0")).toMatchObject({ years: 2, logSpread: 0 });
    expect(multiplierOf(effects, { festival: "11.11", offset: -1 })).toBeCloseTo(1, 9);
    expect(multiplierOf(effects, undefined)).toBe(1);
  });
});

describe("daily series", () => {
  it("counts units on Asia/Shanghai days, zero-filled", () => {
    const rows = [
      { at: Date.parse("2026-03-01T15:59:59Z"), units: 2 }, // 23:59:59 on 1 March in Shanghai
      { at: Date.parse("2026-03-01T16:00:00Z"), units: 3 }, // 00:00 on 2 March
      { at: Date.parse("2026-03-04T01:00:00Z"), units: 1 },
    ];
    const series = dailySeries(rows);
    expect(toDailyUnits(series)).toEqual([
      { date: "2026-03-01", units: 2 },
      { date: "2026-03-02", units: 3 },
      { date: "2026-03-03", units: 0 },
      { date: "2026-03-04", units: 1 },
    ]);
    expect(shopDay(Date.parse("2026-03-01T16:00:00Z"))).toBe(dayNumber("2026-03-02"));
  });

  it("leaves rows outside the range out", () => {
    const series = dailySeries([{ at: Date.parse("2026-03-05T02:00:00Z"), units: 4 }], {
      fromDay: dayNumber("2026-03-01"),
      toDay: dayNumber("2026-03-03"),
    });
    expect(series.values).toEqual([0, 0, 0]);
  });
});

describe("stock recommendation", () => {
  const point = (mean: number, sigma: number): ForecastPoint => ({
    date: "2026-11-11",
    mean,
    lower80: mean - 1.2815515655446004 * sigma,
    upper80: mean + 1.2815515655446004 * sigma,
    lower95: mean - 1.959963984540054 * sigma,
    upper95: mean + 1.959963984540054 * sigma,
  });

  it("reads a day's σ back from its bands", () => {
    expect(impliedSigma(point(100, 10))).toBeCloseTo(10, 9);
  });

  it("the window at a service level is Σ mean + z·Σ σ", () => {
    // Two days: means 100 and 50, σ 10 and 20: P90 = 150 + 1.28155 × 30 = 188.45.
    expect(windowQuantile([point(100, 10), point(50, 20)], 0.9)).toBeCloseTo(150 + 1.2815515655446004 * 30, 6);
    expect(windowQuantile([point(100, 10)], 0.5)).toBeCloseTo(100, 9);
    expect(() => windowQuantile([point(1, 1)], 1)).toThrow(/between 0 and 1/);
  });

  it("conversion is paid presale units over deposit units; 1 with nothing ended", () => {
    expect(
      conversionRate([
        { qty: 3, outcome: "paid" },
        { qty: 1, outcome: "paid" },
        { qty: 1, outcome: "forfeited" },
      ]),
    ).toEqual({ rate: 0.8, basis: 5 });
    expect(conversionRate([])).toEqual({ rate: 1, basis: 0 });
  });

  it("recommends the larger of the forecast and converting deposits, in whole units", () => {
    expect(recommendedUnits(188.45, 100, 0.8)).toBe(189);
    expect(recommendedUnits(50.2, 100, 0.8)).toBe(80);
  });
});

describe("rolling-origin backtest", () => {
  it("holds out the last windows in turn and pools their days", () => {
    const values = Array.from({ length: 35 }, (_, i) => (i % 7) + 1 + (i >= 28 ? 7 : 0));
    const seen: number[] = [];
    // A forecaster that knows the truth for the last window only.
    const detail = rollingOrigin(
      values,
      0,
      (history, _first, horizon) => {
        seen.push(history.length);
        return values.slice(history.length, history.length + horizon);
      },
      { horizon: 7, origins: 3, period: 7, minTrain: 14 },
    );
    expect(seen).toEqual([14, 21, 28]);
    expect(detail?.origins).toBe(3);
    expect(detail?.wape).toBe(0);
    // Seasonal-naive misses only the last week, by 7 a day: 49 / Σ actual.
    const total = values.slice(14).reduce((s, v) => s + v, 0);
    expect(detail?.naiveWape).toBeCloseTo(49 / total, 12);
    expect(detail?.stockingAccuracy).toBe(1);
  });

  it("is null when no origin leaves enough history", () => {
    expect(rollingOrigin([1, 2, 3], 0, () => [0], { horizon: 1, origins: 1, period: 7, minTrain: 14 })).toBeNull();
  });
});
