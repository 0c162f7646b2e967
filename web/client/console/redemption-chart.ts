import type uPlot from "uplot";

/**
 * Redemptions over time in the Store coupons view (issue 15): one bar per hour or day, drawn by
 * uPlot (as the live dashboard's charts, web/client/dashboard/live-chart.ts) with its times shown
 * in the buckets' own time zone (Asia/Shanghai by default), not the browser's: a Shanghai day is
 * one bar whoever looks. uPlot is loaded when the first chart is drawn, a chunk of its own.
 */
const HEIGHT = 200;

export interface ChartSeries {
  /** Each bucket's start, epoch ms. */
  at: number[];
  redeemed: number[];
  timeZone: string;
  bucket: "hour" | "day";
}

export class RedemptionChart {
  private plot: uPlot | null = null;
  private readonly target: HTMLElement;
  private readonly labels: { time: string; redeemed: string };
  /** Bumped by every draw: a draw still loading uPlot when a newer one starts gives way. */
  private drawn = 0;

  constructor(target: HTMLElement, labels: { time: string; redeemed: string }) {
    this.target = target;
    this.labels = labels;
  }

  async draw(series: ChartSeries): Promise<void> {
    const turn = ++this.drawn;
    const { default: UPlot } = await import("uplot");
    if (turn !== this.drawn) return;
    this.clear();
    const width = Math.max(280, this.target.clientWidth);
    const options: uPlot.Options = {
      width,
      height: HEIGHT,
      tzDate: (seconds) => UPlot.tzDate(new Date(seconds * 1000), series.timeZone),
      scales: { x: { time: true }, y: { range: (_plot, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { size: 48, values: (_plot, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : "")) }],
      series: [
        { label: this.labels.time },
        {
          label: this.labels.redeemed,
          stroke: "#e1251b",
          fill: "rgba(225, 37, 27, 0.35)",
          paths: UPlot.paths.bars?.({ size: [0.7, 48] }),
          points: { show: false },
        },
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new UPlot(options, [series.at.map((ms) => ms / 1000), series.redeemed], this.target);
    this.target.dataset.points = String(series.at.length);
    this.target.dataset.total = String(series.redeemed.reduce((sum, n) => sum + n, 0));
  }

  clear(): void {
    this.plot?.destroy();
    this.plot = null;
  }
}
