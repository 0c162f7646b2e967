/**
 * The forecasting model: @bsull/augurs' MSTL (seasonal-trend decomposition by Loess, one
 * component per period) with an AutoETS model of the trend, its 80 % and 95 % prediction
 * intervals from the library. Node-side only: the WASM is read from node_modules and
 * instantiated once (`initSync`), and fitting 30 SKUs × 3 years of days is work for a Node
 * process next to Postgres rather than a Worker's CPU limit.
 *
 * Daily demand is modelled on log(1 + units) (seasonality multiplies, and the back-transform
 * keeps forecasts ≥ 0), with the shopping festivals taken out before the fit and put back after
 * (src/forecast/festivals.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, MSTL } from "@bsull/augurs/mstl";
import {
  dateOfDay,
  type FestivalEffects,
  festivalCalendar,
  learnFestivalEffects,
  multiplierOf,
  spreadOf,
} from "../../src/forecast/festivals.ts";
import type { ForecastPoint } from "../../src/forecast/forecast-record.ts";

const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

let ready = false;

function ensureWasm(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve("@bsull/augurs/mstl").replace(/mstl\.js$/, "mstl_bg.wasm");
  initSync({ module: readFileSync(wasmPath) });
  ready = true;
}

export interface Bands {
  mean: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

export type Transform = "log" | "log1p" | "none";

const FORWARD: Record<Transform, (v: number) => number> = { log: Math.log, log1p: Math.log1p, none: (v) => v };
const BACK: Record<Transform, (v: number) => number> = { log: Math.exp, log1p: Math.expm1, none: (v) => v };

/** MSTL + AutoETS on `values` (transformed), `horizon` steps ahead with both bands, back-transformed. */
export function mstlForecast(values: readonly number[], periods: readonly number[], horizon: number, transform: Transform): Bands {
  ensureWasm();
  const forward = FORWARD[transform];
  const back = BACK[transform];
  const model = MSTL.ets([...periods]);
  try {
    model.fit(values.map(forward));
    const at80 = model.predict(horizon, 0.8);
    const at95 = model.predict(horizon, 0.95);
    if (!at80.intervals || !at95.intervals) throw new Error("the trend model gave no prediction intervals");
    return {
      mean: at80.point.map(back),
      lower80: at80.intervals.lower.map(back),
      upper80: at80.intervals.upper.map(back),
      lower95: at95.intervals.lower.map(back),
      upper95: at95.intervals.upper.map(back),
    };
  } finally {
    model.free();
  }
}

export interface DailyForecastOptions {
  periods: readonly number[];
  horizon: number;
  /** Model the shopping festivals (default true). */
  festivals?: boolean;
}

/**
 * Daily units ahead: `values[i]` sold on day `firstDay + i` (days since 1970-01-01, shop
 * time). Festival days are divided by their learned multiplier before the fit and the forecast
 * multiplied on festival days ahead; every value is clamped at 0.
 */
export function dailyForecast(values: readonly number[], firstDay: number, options: DailyForecastOptions): ForecastPoint[] {
  const useFestivals = options.festivals ?? true;
  const lastDay = firstDay + values.length - 1;
  const effects: FestivalEffects = useFestivals ? learnFestivalEffects(values, firstDay) : new Map();
  const past = useFestivals ? festivalCalendar(firstDay, lastDay) : new Map();
  // log1p space: dividing (v + 1) by the multiplier is exactly how it was learned.
  const cleaned = values.map((v, i) => (v + 1) / multiplierOf(effects, past.get(firstDay + i)) - 1);
  const bands = mstlForecast(cleaned, options.periods, options.horizon, "log1p");
  const ahead = useFestivals ? festivalCalendar(lastDay + 1, lastDay + options.horizon) : new Map();
  return bands.mean.map((_, h) => {
    const festivalDay = ahead.get(lastDay + 1 + h);
    const m = multiplierOf(effects, festivalDay);
    const spread = spreadOf(effects, festivalDay);
    const mean = bands.mean[h] as number;
    // On a festival day the multiplier's own year-to-year spread adds to the model's: in
    // log(1 + units), where the bands are symmetric, the half-widths add in quadrature.
    const center = Math.log1p(Math.max(0, mean)) + Math.log(m);
    const band = (bound: number, z: number, sign: 1 | -1) => {
      const half = Math.abs(Math.log1p(Math.max(0, bound)) - Math.log1p(Math.max(0, mean)));
      return Math.max(0, Math.expm1(center + sign * Math.sqrt(half ** 2 + (z * spread) ** 2)));
    };
    return {
      date: dateOfDay(lastDay + 1 + h),
      mean: Math.max(0, Math.expm1(center)),
      lower80: band(bands.lower80[h] as number, Z80, -1),
      upper80: band(bands.upper80[h] as number, Z80, 1),
      lower95: band(bands.lower95[h] as number, Z95, -1),
      upper95: band(bands.upper95[h] as number, Z95, 1),
    };
  });
}
