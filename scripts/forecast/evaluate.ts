/**
 * `npm run eval:forecast` (issue 19): the model on its two evaluation series, with the table the
 * README quotes and the two charts it shows.
 *
 * - AirPassengers (Box & Jenkins 1976; test/fixtures/forecast/): MSTL (period 12) + ETS on log
 *   passengers, trained on 1949–1959, tested on 1960, against seasonal-naive (1959 again).
 * - The generated daily retail series (test/fixtures/forecast/retail-series.ts): MSTL (periods 7
 *   and 365) + ETS on log(1 + units) with the festival multipliers, in a rolling-origin backtest
 *   of 13 origins × 28 days (the last year), with and without the festivals, against
 *   seasonal-naive (the same weekday a week before).
 *
 * Writes docs/forecast-airpassengers.svg (1960: forecast, 80/95 % bands, actual) and
 * docs/forecast-retail.svg (1 Oct – 31 Dec of the last year from 30 September: 11.11 included).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { rollingOrigin } from "../../src/forecast/backtest.ts";
import { forecastChartSvg } from "../../src/forecast/chart.ts";
import { dateOfDay, dayNumber } from "../../src/forecast/festivals.ts";
import { improvement, mape, wape } from "../../src/forecast/metrics.ts";
import { seasonalNaive } from "../../src/forecast/seasonal-naive.ts";
import { airPassengers } from "../../test/fixtures/forecast/airpassengers.ts";
import { retailSeries } from "../../test/fixtures/forecast/retail-series.ts";
import { dailyForecast, mstlForecast } from "./model.ts";

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

function evaluateAirPassengers(): string[] {
  const months = airPassengers();
  const series = months.map((m) => m.passengers);
  const train = series.slice(0, 132);
  const test = series.slice(132);
  const started = performance.now();
  const bands = mstlForecast(train, [12], 12, "log");
  const ms = performance.now() - started;
  const naive = seasonalNaive(train, 12, 12);
  const model = mape(test, bands.mean);
  const baseline = mape(test, naive);
  const points = bands.mean.map((mean, i) => ({
    date: months[132 + i]?.month as string,
    mean,
    lower80: bands.lower80[i] as number,
    upper80: bands.upper80[i] as number,
    lower95: bands.lower95[i] as number,
    upper95: bands.upper95[i] as number,
  }));
  const svg = forecastChartSvg(
    {
      history: months.slice(96, 132).map((m) => ({ date: m.month, units: m.passengers })),
      points,
      actual: months.slice(132).map((m) => ({ date: m.month, units: m.passengers })),
    },
    {
      width: 720,
      height: 320,
      words: {
        title: "AirPassengers: 1960 forecast from 1949–1959 (MSTL + ETS, log)",
        history: "History",
        forecast: "Forecast",
        band80: "80 % interval",
        band95: "95 % interval",
        actual: "Actual 1960",
        units: "thousand passengers",
      },
    },
  );
  writeFileSync("docs/forecast-airpassengers.svg", svg);
  return [
    `| AirPassengers, 1960 (12 months) | MAPE | ${pct(model)} | ${pct(baseline)} | ${pct(improvement(model, baseline))} | ${ms.toFixed(0)} ms |`,
    `| AirPassengers, 1960 (12 months) | WAPE | ${pct(wape(test, bands.mean))} | ${pct(wape(test, naive))} | ${pct(improvement(wape(test, bands.mean), wape(test, naive)))} | |`,
  ];
}

function evaluateRetail(): string[] {
  const { firstDay, values } = retailSeries();
  const lines: string[] = [];
  for (const festivals of [true, false]) {
    const started = performance.now();
    const detail = rollingOrigin(
      values,
      firstDay,
      (history, first, horizon) => dailyForecast(history, first, { periods: [7, 365], horizon, festivals }).map((p) => p.mean),
      { horizon: 28, origins: 13, period: 7, minTrain: 730 },
    );
    const ms = performance.now() - started;
    if (!detail) throw new Error("the retail series is too short for the backtest");
    const name = `retail, 13 origins × 28 days${festivals ? "" : ", festivals not modelled"}`;
    lines.push(
      `| ${name} | WAPE | ${pct(detail.wape)} | ${pct(detail.naiveWape)} | ${pct(improvement(detail.wape, detail.naiveWape))} | ${(ms / detail.origins).toFixed(0)} ms a fit |`,
      `| ${name} | MAPE | ${pct(detail.mape)} | ${pct(detail.naiveMape)} | ${pct(improvement(detail.mape, detail.naiveMape))} | |`,
      `| ${name} | stocking accuracy (1 − WAPE) | ${pct(detail.stockingAccuracy)} | ${pct(1 - detail.naiveWape)} | | |`,
    );
  }
  // The chart: the last quarter of the last year, forecast from 30 September.
  const cut = dayNumber(`${dateOfDay(firstDay + values.length - 1).slice(0, 4)}-09-30`) - firstDay + 1;
  const points = dailyForecast(values.slice(0, cut), firstDay, { periods: [7, 365], horizon: 92 });
  const svg = forecastChartSvg(
    {
      history: values.slice(cut - 60, cut).map((units, i) => ({ date: dateOfDay(firstDay + cut - 60 + i), units })),
      points,
      actual: values.slice(cut, cut + 92).map((units, i) => ({ date: dateOfDay(firstDay + cut + i), units })),
    },
    {
      width: 720,
      height: 320,
      words: {
        title: "Generated retail series: Q4 forecast from 30 September (MSTL + ETS, festival multipliers)",
        history: "History",
        forecast: "Forecast",
        band80: "80 % interval",
        band95: "95 % interval",
        actual: "Actual",
        units: "units a day",
      },
    },
  );
  writeFileSync("docs/forecast-retail.svg", svg);
  return lines;
}

mkdirSync("docs", { recursive: true });
console.log("| series | measure | MSTL + ETS | seasonal-naive | better by | time |");
console.log("|---|---|---|---|---|---|");
for (const line of [...evaluateAirPassengers(), ...evaluateRetail()]) console.log(line);
console.log("charts: docs/forecast-airpassengers.svg, docs/forecast-retail.svg");
