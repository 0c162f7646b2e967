import type { DailyUnits, ForecastPoint } from "./forecast-record.ts";

/**
 * A forecast as a chart (issue 19), drawn by hand as inline SVG: the history line, the forecast
 * line, the 80 % and 95 % bands around it and, when known, what really happened. Pure (strings
 * in, a string out), so the console's Forecast view draws it in the browser and
 * `npm run eval:forecast` writes the README's charts from the same code. The x axis is the
 * sequence of periods (history, then the forecast), one step each, so daily and monthly series
 * (AirPassengers) draw alike; dates only label the ticks.
 */
export interface ChartSeries {
  /** The last periods before the forecast. */
  history: readonly DailyUnits[];
  points: readonly ForecastPoint[];
  /** What happened over the forecast's periods (a backtest, an evaluation), matched by date. */
  actual?: readonly DailyUnits[];
}

export interface ChartWords {
  title: string;
  history: string;
  forecast: string;
  band80: string;
  band95: string;
  actual: string;
  units: string;
}

export const ENGLISH_CHART_WORDS: ChartWords = {
  title: "Demand forecast",
  history: "History",
  forecast: "Forecast",
  band80: "80 % interval",
  band95: "95 % interval",
  actual: "Actual",
  units: "units",
};

export interface ChartOptions {
  width?: number;
  height?: number;
  words?: ChartWords;
}

/** The shapes of the chart in the SVG's coordinates: path data, ticks and the plot's box. */
export interface ChartGeometry {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  /** Path data (`M … L …`); empty when the series has no such part. */
  history: string;
  forecast: string;
  actual: string;
  /** Closed polygons: the upper edge forward, the lower edge back. */
  band80: string;
  band95: string;
  /** x of the first forecast period, where the forecast starts (null without points). */
  forecastStartX: number | null;
  yTicks: Array<{ y: number; value: number }>;
  xTicks: Array<{ x: number; label: string }>;
  yMax: number;
}

const MARGIN = { left: 48, right: 12, top: 28, bottom: 36 };

/** A round number at or above `max` and its tick step (1, 2 or 5 × 10ⁿ), about four ticks. */
export function niceScale(max: number): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 1 };
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const roundedStep = Math.max(step, Number.EPSILON);
  return { max: Math.ceil(max / roundedStep - 1e-9) * roundedStep, step: roundedStep };
}

const fixed = (n: number) => String(Math.round(n * 10) / 10);

function linePath(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${fixed(x)} ${fixed(y)}`).join(" ");
}

function bandPath(upper: ReadonlyArray<readonly [number, number]>, lower: ReadonlyArray<readonly [number, number]>): string {
  if (upper.length === 0) return "";
  return `${linePath([...upper, ...[...lower].reverse()])} Z`;
}

/** Where everything goes: pure arithmetic, tested without a DOM. */
export function chartGeometry(series: ChartSeries, options: ChartOptions = {}): ChartGeometry {
  const width = options.width ?? 640;
  const height = options.height ?? 260;
  const plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  const periods = series.history.length + series.points.length;
  const xOf = (index: number) => (periods <= 1 ? plot.left : plot.left + (index / (periods - 1)) * (plot.right - plot.left));
  const indexOfDate = new Map<string, number>([
    ...series.history.map((d, i) => [d.date, i] as const),
    ...series.points.map((p, i) => [p.date, series.history.length + i] as const),
  ]);
  const actual = (series.actual ?? []).flatMap((d) => {
    const index = indexOfDate.get(d.date);
    return index === undefined ? [] : [{ index, units: d.units }];
  });

  const highest = Math.max(
    0,
    ...series.history.map((d) => d.units),
    ...series.points.map((p) => Math.max(p.mean, p.upper80, p.upper95)),
    ...actual.map((d) => d.units),
  );
  const scale = niceScale(highest);
  const yOf = (value: number) => plot.bottom - (Math.max(0, value) / scale.max) * (plot.bottom - plot.top);

  const offset = series.history.length;
  const at = (i: number, value: number) => [xOf(offset + i), yOf(value)] as const;
  const historyLine = series.history.map((d, i) => [xOf(i), yOf(d.units)] as const);
  // The forecast line starts from the last day of history, so the two read as one line.
  const lastHistory = series.history.at(-1);
  const forecastLine = [
    ...(lastHistory && series.points.length > 0 ? [[xOf(offset - 1), yOf(lastHistory.units)] as const] : []),
    ...series.points.map((p, i) => at(i, p.mean)),
  ];

  const yTicks: ChartGeometry["yTicks"] = [];
  for (let value = 0; value <= scale.max + scale.step / 2; value += scale.step) {
    yTicks.push({ y: yOf(value), value: Math.round(value * 1e6) / 1e6 });
  }
  const dates = [...series.history.map((d) => d.date), ...series.points.map((p) => p.date)];
  const tickIndexes = [...new Set([0, series.history.length, periods - 1])].filter((i) => i >= 0 && i < periods && dates[i] !== undefined);
  // A tick too close to the one before would print over it: keep the later, more telling one.
  const xTicks = tickIndexes
    .map((i) => ({ x: xOf(i), label: dates[i] ?? "" }))
    .filter((tick, i, all) => i === all.length - 1 || (all[i + 1]?.x ?? Number.POSITIVE_INFINITY) - tick.x >= 70);

  return {
    width,
    height,
    plot,
    history: linePath(historyLine),
    forecast: series.points.length > 0 ? linePath(forecastLine) : "",
    actual: linePath(actual.map((d) => [xOf(d.index), yOf(d.units)] as const)),
    band95: bandPath(
      series.points.map((p, i) => at(i, p.upper95)),
      series.points.map((p, i) => at(i, p.lower95)),
    ),
    band80: bandPath(
      series.points.map((p, i) => at(i, p.upper80)),
      series.points.map((p, i) => at(i, p.lower80)),
    ),
    forecastStartX: series.points.length > 0 ? xOf(offset) : null,
    yTicks,
    xTicks,
    yMax: scale.max,
  };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export const CHART_COLOURS = {
  history: "#333333",
  forecast: "#e1251b",
  band80: "rgba(225, 37, 27, 0.28)",
  band95: "rgba(225, 37, 27, 0.12)",
  actual: "#1f6feb",
  grid: "#dddddd",
  text: "#555555",
};

/**
 * The chart as one standalone `<svg>` element (with its namespace, so it is also a valid
 * `.svg` file), scaling to its container's width. Every text in it is escaped.
 */
export function forecastChartSvg(series: ChartSeries, options: ChartOptions = {}): string {
  const words = options.words ?? ENGLISH_CHART_WORDS;
  const g = chartGeometry(series, options);
  const c = CHART_COLOURS;
  const text = (x: number, y: number, content: string, anchor: "start" | "middle" | "end", extra = "") =>
    `<text x="${fixed(x)}" y="${fixed(y)}" text-anchor="${anchor}" fill="${c.text}" font-size="11"${extra}>${escapeXml(content)}</text>`;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${g.width} ${g.height}" width="100%" role="img" aria-label="${escapeXml(words.title)}" font-family="system-ui, sans-serif" preserveAspectRatio="xMidYMid meet">`,
  );
  parts.push(`<title>${escapeXml(words.title)}</title>`);
  parts.push(`<rect width="${g.width}" height="${g.height}" fill="#ffffff"/>`);
  for (const tick of g.yTicks) {
    parts.push(
      `<line x1="${g.plot.left}" x2="${g.plot.right}" y1="${fixed(tick.y)}" y2="${fixed(tick.y)}" stroke="${c.grid}" stroke-width="1"/>`,
    );
    parts.push(text(g.plot.left - 6, tick.y + 4, formatTick(tick.value), "end"));
  }
  for (const [i, tick] of g.xTicks.entries()) {
    const anchor = i === 0 && g.xTicks.length > 1 ? "start" : i === g.xTicks.length - 1 && g.xTicks.length > 1 ? "end" : "middle";
    parts.push(text(tick.x, g.plot.bottom + 16, tick.label, anchor));
  }
  if (g.forecastStartX !== null) {
    parts.push(
      `<line x1="${fixed(g.forecastStartX)}" x2="${fixed(g.forecastStartX)}" y1="${g.plot.top}" y2="${g.plot.bottom}" stroke="${c.grid}" stroke-dasharray="4 3"/>`,
    );
  }
  if (g.band95) parts.push(`<path data-series="band95" d="${g.band95}" fill="${c.band95}" stroke="none"/>`);
  if (g.band80) parts.push(`<path data-series="band80" d="${g.band80}" fill="${c.band80}" stroke="none"/>`);
  if (g.history) parts.push(`<path data-series="history" d="${g.history}" fill="none" stroke="${c.history}" stroke-width="1.5"/>`);
  if (g.actual) parts.push(`<path data-series="actual" d="${g.actual}" fill="none" stroke="${c.actual}" stroke-width="1.5"/>`);
  if (g.forecast)
    parts.push(
      `<path data-series="forecast" d="${g.forecast}" fill="none" stroke="${c.forecast}" stroke-width="2" stroke-dasharray="5 3"/>`,
    );
  parts.push(text(g.plot.left - 6, 14, words.units, "end"));
  parts.push(legend(g, words, series.actual !== undefined && g.actual !== ""));
  parts.push("</svg>");
  return parts.join("");
}

function legend(g: ChartGeometry, words: ChartWords, withActual: boolean): string {
  const entries: Array<{ label: string; swatch: string }> = [
    { label: words.history, swatch: `<rect width="14" height="3" y="-2" fill="${CHART_COLOURS.history}"/>` },
    { label: words.forecast, swatch: `<rect width="14" height="3" y="-2" fill="${CHART_COLOURS.forecast}"/>` },
    ...(withActual ? [{ label: words.actual, swatch: `<rect width="14" height="3" y="-2" fill="${CHART_COLOURS.actual}"/>` }] : []),
    { label: words.band80, swatch: `<rect width="14" height="10" y="-6" fill="${CHART_COLOURS.band80}"/>` },
    { label: words.band95, swatch: `<rect width="14" height="10" y="-6" fill="${CHART_COLOURS.band95}"/>` },
  ];
  let x = g.plot.left;
  const items = entries.map((entry) => {
    const item = `<g transform="translate(${fixed(x)} 14)">${entry.swatch}<text x="18" y="4" font-size="11" fill="${CHART_COLOURS.text}">${escapeXml(entry.label)}</text></g>`;
    // About 6.5 px a character at 11 px (wider for CJK): room enough without measuring text.
    x += 26 + [...entry.label].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 11 : 6.5), 0);
    return item;
  });
  return `<g data-legend="">${items.join("")}</g>`;
}

function formatTick(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
