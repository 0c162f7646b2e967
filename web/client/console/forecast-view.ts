import { forecastChartSvg } from "../../../src/forecast/chart.ts";
import { type ForecastWords, forecastChartWords, forecastWords } from "../../../src/forecast/forecast-words.ts";
import { format, type Lang } from "../../../src/i18n/messages.ts";
import type { AdminApi } from "./admin-api.ts";
import { byId, h } from "./dom.ts";
import type { ForecastRecord, ForecastRunView, ForecastSummary } from "./forecast-types.ts";
import { when } from "./format.ts";

/** How often a queued or running run is read again. */
const POLL_MS = 1_500;

/** The service levels the marketer may size a sale's stock at; the API takes any from 0.5 to 0.999. */
export const SERVICE_LEVELS = [0.8, 0.9, 0.95, 0.99] as const;
const DEFAULT_SERVICE_LEVEL = 0.9;

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
const day = (ms: number) => new Date(ms).toLocaleDateString();
/** 0.95 → "95 %", 0.9 → "90 %". */
const levelText = (level: number) => `${Number((level * 100).toFixed(1))} %`;
const units = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * The console's Forecast view (issue 19): the targets with their newest forecast in short; one
 * target's chart (inline SVG from src/forecast/chart.ts: history, forecast, 80 % and 95 %
 * bands), its backtest against seasonal-naive and its stock recommendation; "Run now" queues a
 * run and follows its progress, and a failed run shows the forecaster's reason (too little
 * history says how much is needed). Read on opening, on Refresh, and as a run moves.
 */
export class ForecastView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("forecasts").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly w: ForecastWords = forecastWords(this.lang);
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The target whose chart is open, to draw again after a run. */
  private shown: { kind: string; key: string } | null = null;
  /** The service level the stock is sized at: the selector's, kept while other targets are opened. */
  private serviceLevel: number = DEFAULT_SERVICE_LEVEL;

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-forecasts").addEventListener("click", () => this.open());
    byId("close-forecasts").addEventListener("click", () => this.close());
    byId("refresh-forecasts").addEventListener("click", () => void this.load());
    byId("run-forecast").addEventListener("click", () => void this.runNow());
  }

  open(): void {
    byId("forecasts").hidden = false;
    byId("forecasts").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    clearTimeout(this.timer);
    this.shown = null;
    byId("forecasts").hidden = true;
    byId("forecasts-list").replaceChildren();
    byId("forecast-detail").replaceChildren();
    byId("forecast-detail").hidden = true;
    this.showRun(null);
  }

  /** Reads the forecasts and the runs; `run` (one just followed to its end) is shown rather than the newest. */
  async load(run?: ForecastRunView): Promise<void> {
    clearTimeout(this.timer);
    const result = await this.api.forecasts();
    if (!result.ok) {
      byId("forecast-run").textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    const { forecasts, runs } = result.data;
    byId("forecasts-list").replaceChildren(forecasts.length === 0 ? h("p", { class: "muted" }, this.w.none) : this.table(forecasts));
    const latest = run ?? runs[0] ?? null;
    this.showRun(latest);
    if (latest && (latest.status === "queued" || latest.status === "running")) this.follow(latest.id);
    if (this.shown) await this.show(this.shown.kind, this.shown.key);
  }

  private async runNow(): Promise<void> {
    const button = byId("run-forecast", HTMLButtonElement);
    button.disabled = true;
    const result = await this.api.runForecast(crypto.randomUUID());
    button.disabled = false;
    if (!result.ok) {
      byId("forecast-run").textContent = format(this.w.refused, { message: result.error.message });
      return;
    }
    this.showRun(result.data);
    this.follow(result.data.id);
  }

  /** Reads the run every POLL_MS until it is done or failed, then the forecasts again. */
  private follow(id: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      if (byId("forecasts").hidden) return;
      const result = await this.api.forecastRun(id);
      if (!result.ok) {
        byId("forecast-run").textContent = format(this.w.couldNotRead, { message: result.error.message });
        return;
      }
      this.showRun(result.data);
      if (result.data.status === "queued" || result.data.status === "running") this.follow(id);
      else if (result.data.status === "done") await this.load(result.data);
    }, POLL_MS);
  }

  private showRun(run: ForecastRunView | null): void {
    const status = byId("forecast-run");
    const bar = byId("forecast-progress", HTMLProgressElement);
    const problem = byId("forecast-run-error");
    status.dataset.status = run?.status ?? "";
    status.dataset.run = run?.id ?? "";
    bar.hidden = !(run && (run.status === "queued" || run.status === "running"));
    bar.value = run?.progress ?? 0;
    problem.hidden = run?.status !== "failed";
    problem.textContent = run?.status === "failed" ? format(this.w.run_failed, { id: run.id, error: run.error ?? "" }) : "";
    if (!run) status.textContent = this.w.run_none;
    else if (run.status === "queued") status.textContent = format(this.w.run_queued, { id: run.id });
    else if (run.status === "running") status.textContent = format(this.w.run_running, { id: run.id, progress: run.progress });
    else if (run.status === "done")
      status.textContent =
        run.forecasts === null
          ? format(this.w.run_finished, { id: run.id, when: when(run.finishedAt) })
          : format(this.w.run_done, { id: run.id, when: when(run.finishedAt), forecasts: run.forecasts });
    else status.textContent = "";
  }

  private kindName(kind: string): string {
    return kind === "category" ? this.w.kind_category : this.w.kind_sku;
  }

  /** Four columns, so a phone shows the list without scrolling sideways: the target opens its chart. */
  private table(forecasts: ForecastSummary[]): HTMLElement {
    const w = this.w;
    return h(
      "table",
      { "data-view": "forecasts" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, w.col_target),
          h("th", { class: "num", title: w.col_expected_long }, w.col_expected),
          h("th", { class: "num", title: w.stockingAccuracy }, w.col_accuracy),
          h("th", { class: "num", title: w.recommended }, w.col_stock),
        ),
      ),
      h(
        "tbody",
        {},
        ...forecasts.map((f) =>
          h(
            "tr",
            { "data-target": `${f.target.kind}:${f.target.key}` },
            h(
              "td",
              {},
              h("span", { class: "muted" }, this.kindName(f.target.kind)),
              " ",
              h(
                "button",
                {
                  type: "button",
                  class: "forecast-target",
                  "data-show": "",
                  title: w.show,
                  onclick: () => void this.show(f.target.kind, f.target.key),
                },
                f.target.key,
              ),
            ),
            h(
              "td",
              { class: "num", title: format(w.days, { days: f.horizonDays }) },
              h("span", { "data-cell": "expected" }, units(f.expectedUnits)),
              h("br", {}),
              h("small", { class: "muted", "data-cell": "range" }, `${units(f.lower80Units)}–${units(f.upper80Units)}`),
            ),
            h("td", { class: "num", "data-cell": "accuracy" }, f.backtest ? percent(f.backtest.stockingAccuracy) : "–"),
            h("td", { class: "num", "data-cell": "stock" }, f.stock ? String(f.stock.recommendedUnits) : "–"),
          ),
        ),
      ),
    );
  }

  /** One target's forecast, whole: the chart, the backtest, the stock, the daily figures. */
  private async show(kind: string, key: string): Promise<void> {
    // The stock is sized by the Worker as it answers, at the level asked for; a category has none.
    const result = await this.api.forecast(kind, key, kind === "sku" ? this.serviceLevel : undefined);
    const detail = byId("forecast-detail");
    if (!result.ok) {
      byId("forecast-run").textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    this.shown = { kind, key };
    const record = result.data;
    const w = this.w;
    const title = format(w.detailTitle, { kind: this.kindName(kind), key, days: record.horizonDays });
    const stock = this.stock(record);
    detail.replaceChildren(
      h("h3", {}, title),
      h("p", { class: "muted" }, format(w.madeAt, { when: when(record.createdAt), run: record.runId, model: record.model })),
      h("div", { id: "forecast-chart", class: "forecast-chart" }, chart(record, forecastChartWords(w, title), this.chartWidth())),
      this.backtest(record),
      ...(stock ? [stock] : []),
      this.daily(record),
    );
    detail.dataset.target = `${kind}:${key}`;
    detail.hidden = false;
  }

  /** The chart is drawn at the card's width (320–760 px), so its words stay legible on a phone rather than shrunk. */
  private chartWidth(): number {
    return Math.round(Math.max(320, Math.min(760, byId("forecasts-list").clientWidth || 640)));
  }

  private backtest(record: ForecastRecord): HTMLElement {
    const w = this.w;
    const b = record.backtest;
    if (!b) return h("p", { class: "muted", "data-section": "backtest" }, w.noBacktest);
    const gain = b.naiveWape > 0 ? 1 - b.wape / b.naiveWape : 0;
    return h(
      "section",
      { "data-section": "backtest" },
      h("h4", {}, format(w.backtest, { origins: b.origins, days: b.horizonDays })),
      h(
        "dl",
        { class: "figures" },
        figure(w.mape, percent(b.mape), "mape"),
        figure(w.naiveMape, percent(b.naiveMape), "naive-mape"),
        figure(w.wape, percent(b.wape), "wape"),
        figure(w.naiveWape, percent(b.naiveWape), "naive-wape"),
        figure(
          w.stockingAccuracy,
          percent(b.stockingAccuracy),
          "stocking-accuracy",
          gain > 0 ? format(w.betterThanNaive, { percent: Math.round(gain * 100) }) : w.worseThanNaive,
        ),
      ),
    );
  }

  private stock(record: ForecastRecord): HTMLElement | null {
    const w = this.w;
    const s = record.stock;
    if (record.target.kind !== "sku") return null;
    if (!s) return h("p", { class: "muted", "data-section": "stock" }, w.noStock);
    const short = s.recommendedUnits - s.currentStock;
    const partial = s.saleDays !== undefined && s.coveredDays !== undefined && s.coveredDays < s.saleDays;
    return h(
      "section",
      { "data-section": "stock" },
      h("h4", {}, format(w.stock, { from: day(s.startsAt), until: day(s.endsAt) })),
      this.levelPicker(record.target.key),
      partial
        ? h("p", { class: "hint", "data-stock": "coverage" }, format(w.coverage, { covered: s.coveredDays ?? 0, days: s.saleDays ?? 0 }))
        : null,
      h(
        "dl",
        { class: "figures" },
        figure(w.serviceLevel, levelText(s.serviceLevel), "service-level"),
        figure(w.forecastUnits, units(s.forecastUnits), "forecast-units"),
        figure(w.depositUnits, String(s.depositUnits), "deposit-units"),
        figure(w.conversion, percent(s.conversionRate), "conversion", format(w.conversionBasis, { n: s.conversionBasis })),
        figure(w.depositDemand, units(s.depositUnits * s.conversionRate), "deposit-demand"),
        figure(w.recommended, String(s.recommendedUnits), "recommended"),
        figure(w.currentStock, String(s.currentStock), "current-stock", short > 0 ? format(w.shortBy, { n: short }) : w.enough),
      ),
    );
  }

  /** The service level selector: choosing one reads the target again, sized at it. */
  private levelPicker(key: string): HTMLElement {
    const select = h(
      "select",
      {
        id: "forecast-service-level",
        onchange: (event: Event) => {
          this.serviceLevel = Number((event.target as HTMLSelectElement).value);
          void this.show("sku", key);
        },
      },
      ...SERVICE_LEVELS.map((level) => h("option", { value: String(level), selected: level === this.serviceLevel }, levelText(level))),
    );
    return h("label", { class: "field", "data-stock": "service-level" }, `${this.w.pickServiceLevel} `, select);
  }

  private daily(record: ForecastRecord): HTMLElement {
    const w = this.w;
    return h(
      "details",
      { "data-section": "daily" },
      h("summary", {}, w.table),
      h(
        "div",
        { class: "sales" },
        h(
          "table",
          {},
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, w.col_date),
              h("th", { class: "num" }, w.col_mean),
              h("th", { class: "num" }, w.col_80),
              h("th", { class: "num" }, w.col_95),
            ),
          ),
          h(
            "tbody",
            {},
            ...record.points.map((p) =>
              h(
                "tr",
                {},
                h("td", {}, p.date),
                h("td", { class: "num" }, units(p.mean)),
                h("td", { class: "num" }, `${units(p.lower80)}–${units(p.upper80)}`),
                h("td", { class: "num" }, `${units(p.lower95)}–${units(p.upper95)}`),
              ),
            ),
          ),
        ),
      ),
    );
  }
}

function figure(label: string, value: string, name: string, hint?: string): HTMLElement {
  return h(
    "div",
    { class: "figure", "data-figure": name },
    h("dt", {}, label),
    h("dd", {}, value),
    hint ? h("dd", { class: "hint" }, hint) : null,
  );
}

/**
 * The chart as an SVG element: chart.ts's markup (every text in it escaped there) parsed as
 * SVG, never as HTML, and adopted into the page.
 */
function chart(record: ForecastRecord, words: ReturnType<typeof forecastChartWords>, width: number): Node {
  const svg = forecastChartSvg({ history: record.history, points: record.points }, { width, height: width < 480 ? 240 : 280, words });
  const parsed = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
  return document.importNode(parsed, true);
}
