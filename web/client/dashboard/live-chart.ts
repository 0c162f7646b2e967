import uPlot from "uplot";

/** One line of a chart: its values per slot (null: no data there), how it is drawn. */
export interface ChartLine {
  /** Stable across refreshes: a chart is rebuilt only when its set of lines changes. */
  key: string;
  label: string;
  values: (number | null)[];
  color: string;
  /** A threshold: drawn dashed, thicker, and never the subject of the legend's live value. */
  threshold?: boolean;
}

const HEIGHT = 180;

/**
 * A uPlot chart in one of the dashboard's figures (its `.plot` element), fed the summary's
 * slots on every refresh: new data goes in with `setData` (no redraw of the frame), and the
 * chart is built anew only when its lines change (a new checkout outcome, a new SKU). uPlot
 * draws on a canvas and sets its sizes through the CSSOM, which the page's `style-src 'self'`
 * allows; its stylesheet is bundled into the dashboard's.
 */
export class LiveChart {
  private plot: uPlot | null = null;
  private keys = "";
  private readonly target: HTMLElement;
  private readonly unit: (value: number) => string;
  private readonly timeLabel: string;

  constructor(figure: HTMLElement, unit: (value: number) => string, timeLabel: string) {
    const target = figure.querySelector<HTMLElement>(".plot");
    if (!target) throw new Error(`the dashboard's figure #${figure.id} has no .plot`);
    this.target = target;
    this.unit = unit;
    this.timeLabel = timeLabel;
  }

  /** Draws `lines` over the slots starting at `at` (epoch ms). */
  draw(at: readonly number[], lines: readonly ChartLine[]): void {
    const data: uPlot.AlignedData = [at.map((ms) => ms / 1000), ...lines.map((line) => line.values)];
    const keys = lines.map((line) => line.key).join("\u0000");
    if (this.plot && keys === this.keys) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.keys = keys;
    this.plot = new uPlot(this.options(lines), data, this.target);
  }

  /** Follows the page's width (a phone turned, a window resized). */
  fit(): void {
    this.plot?.setSize({ width: this.width(), height: HEIGHT });
  }

  private width(): number {
    return Math.max(240, this.target.clientWidth);
  }

  private options(lines: readonly ChartLine[]): uPlot.Options {
    const unit = this.unit;
    return {
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: true } },
      axes: [{}, { values: (_plot, ticks) => ticks.map((tick) => unit(tick)), size: 56 }],
      series: [
        { label: this.timeLabel },
        ...lines.map(
          (line): uPlot.Series => ({
            label: line.label,
            stroke: line.color,
            width: line.threshold ? 2 : 1.5,
            dash: line.threshold ? [6, 4] : undefined,
            spanGaps: false,
            // Points as well as lines: a figure read in one slot between empty ones is a point, not a line.
            points: { show: !line.threshold, size: 4 },
            value: (_plot, value) => (value === null || value === undefined ? "–" : unit(value)),
          }),
        ),
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
  }
}
