import { describe, expect, it } from "vitest";
import { chartGeometry, forecastChartSvg, niceScale } from "../../src/forecast/chart.ts";
import type { ForecastPoint } from "../../src/forecast/forecast-record.ts";

const point = (date: string, mean: number, spread = 2): ForecastPoint => ({
  date,
  mean,
  lower80: mean - spread,
  upper80: mean + spread,
  lower95: mean - 2 * spread,
  upper95: mean + 2 * spread,
});

const series = {
  history: [
    { date: "2026-11-01", units: 10 },
    { date: "2026-11-02", units: 20 },
    { date: "2026-11-03", units: 30 },
  ],
  points: [point("2026-11-04", 30, 5), point("2026-11-05", 28, 5)],
};

describe("niceScale", () => {
  it("rounds up to 1, 2 or 5 × 10ⁿ steps of about a quarter", () => {
    expect(niceScale(40)).toEqual({ max: 40, step: 10 });
    expect(niceScale(41)).toEqual({ max: 60, step: 20 });
    expect(niceScale(7)).toEqual({ max: 8, step: 2 });
    expect(niceScale(0)).toEqual({ max: 1, step: 1 });
    expect(niceScale(622)).toEqual({ max: 800, step: 200 });
  });
});

describe("chartGeometry", () => {
  const g = chartGeometry(series, { width: 448, height: 164 });
  // Plot box: left 48, right 436, top 28, bottom 128; five periods → 97 px apart; y max 40 (upper95 = 40).

  it("puts the periods one step apart and scales units to the plot's height", () => {
    expect(g.plot).toEqual({ left: 48, top: 28, right: 436, bottom: 128 });
    expect(g.yMax).toBe(40);
    expect(g.history).toBe("M48 103 L145 78 L242 53");
  });

  it("starts the forecast line at the last day of history", () => {
    expect(g.forecast).toBe("M242 53 L339 53 L436 58");
    expect(g.forecastStartX).toBe(339);
  });

  it("draws each band as the upper edge forward and the lower edge back", () => {
    // 80 %: 35, 33 up; 23, 25 down. 95 %: 40, 38 up; 18, 20 down (units → y = 128 − u × 2.5).
    expect(g.band80).toBe("M339 40.5 L436 45.5 L436 70.5 L339 65.5 Z");
    expect(g.band95).toBe("M339 28 L436 33 L436 83 L339 78 Z");
  });

  it("ticks the axis every step from 0 to the top and labels the first day, the forecast's start and its end", () => {
    expect(g.yTicks.map((t) => t.value)).toEqual([0, 10, 20, 30, 40]);
    expect(g.xTicks.map((t) => t.label)).toEqual(["2026-11-01", "2026-11-04", "2026-11-05"]);
  });

  it("matches actual units to the forecast's days by date and leaves out days it does not know", () => {
    const withActual = chartGeometry(
      {
        ...series,
        actual: [
          { date: "2026-11-04", units: 36 },
          { date: "2026-11-05", units: 20 },
          { date: "2027-01-01", units: 99 },
        ],
      },
      { width: 448, height: 164 },
    );
    expect(withActual.actual).toBe("M339 38 L436 78");
    expect(withActual.yMax).toBe(40);
  });

  it("never draws below the axis (a lower bound under 0) and copes with no history", () => {
    const g2 = chartGeometry({ history: [], points: [point("2026-11-04", 1, 2)] }, { width: 448, height: 164 });
    expect(g2.history).toBe("");
    expect(g2.band95).toContain("L48 128");
    expect(chartGeometry({ history: [], points: [] }).forecast).toBe("");
  });
});

describe("forecastChartSvg", () => {
  it("is one standalone SVG with every series and the legend's words", () => {
    const svg = forecastChartSvg(series);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    for (const name of ["history", "forecast", "band80", "band95"]) expect(svg).toContain(`data-series="${name}"`);
    expect(svg).not.toContain('data-series="actual"');
    expect(svg).toContain(">80 % interval<");
  });

  it("escapes its words", () => {
    const svg = forecastChartSvg(series, {
      words: {
        title: 'A <b>"title"</b> & more',
        history: "历史",
        forecast: "预测",
        band80: "80 % 区间",
        band95: "95 % 区间",
        actual: "实际",
        units: "件",
      },
    });
    expect(svg).toContain("<title>A &lt;b&gt;&quot;title&quot;&lt;/b&gt; &amp; more</title>");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain(">历史<");
  });
});
