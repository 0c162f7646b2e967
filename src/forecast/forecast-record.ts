/**
 * A demand forecast as it is stored (`demand_forecasts.record`) and shown (issue 19): daily
 * units for one SKU or category, with 80 % and 95 % intervals, the days before it for the
 * chart, the backtest that says how far to trust it, and, for an upcoming sale, the stock to
 * order. Computed Node-side by scripts/forecast/ (@bsull/augurs); the Worker only reads it.
 * Dates are calendar days in the shop's zone (Asia/Shanghai), `YYYY-MM-DD`.
 */
export type ForecastTargetKind = "sku" | "category";

export interface ForecastTarget {
  kind: ForecastTargetKind;
  /** The SKU, or the category's name. */
  key: string;
}

export interface DailyUnits {
  date: string;
  units: number;
}

export interface ForecastPoint {
  date: string;
  /** Expected units that day (never below 0). */
  mean: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

/** Rolling-origin backtest on held-out periods, against seasonal-naive (the same day a week before). */
export interface BacktestScore {
  /** Mean absolute percentage error over days with sales, 0–∞ (0.05 = 5 %). */
  mape: number;
  /** Weighted absolute percentage error: Σ|error| / Σ actual. */
  wape: number;
  naiveMape: number;
  naiveWape: number;
  /** 1 − WAPE: the seed's "stocking accuracy" (68 % → 92 %). */
  stockingAccuracy: number;
  /** How many forecast origins were averaged. */
  origins: number;
  horizonDays: number;
}

/** The stock recommended for an upcoming sale. */
export interface StockRecommendation {
  sku: string;
  /** The sale's window, as its configuration has it (epoch ms). */
  startsAt: number;
  endsAt: number;
  /** The chosen service level, e.g. 0.9: the recommendation covers demand that often. */
  serviceLevel: number;
  /** Units held by presale deposits so far (deposit_paid, balance due or paid). */
  depositUnits: number;
  /** Share of deposit units that became paid orders in past presales (1 when none ended yet). */
  conversionRate: number;
  /** How many past presale units it was learned from. */
  conversionBasis: number;
  /** Forecast units over the sale's window, at the service level, from the model. */
  forecastUnits: number;
  /** What to stock: max(the forecast at the service level, deposits × conversion), whole units. */
  recommendedUnits: number;
  /** The sale's stock now, for comparison. */
  currentStock: number;
  /** The sale's calendar days (Asia/Shanghai). Absent in records made before it was kept. */
  saleDays?: number;
  /** How many of them the forecast's points cover: fewer than `saleDays` when the horizon ends first. */
  coveredDays?: number;
}

export interface ForecastRecord {
  id: string;
  runId: string;
  target: ForecastTarget;
  createdAt: number;
  /** Which of the library's models made it. */
  model: "mstl_ets" | "prophet";
  horizonDays: number;
  /** The last days of history (at most 120), for the chart. */
  history: DailyUnits[];
  points: ForecastPoint[];
  backtest: BacktestScore | null;
  stock: StockRecommendation | null;
}

/** A request for a forecast run: from the console, from the daily Cron Trigger, or from `npm run forecast`. */
export type ForecastRunStatus = "queued" | "running" | "done" | "failed";
