/**
 * A countdown drawn on a canvas to the millisecond, every animation frame. It reads time
 * from `now()` (server time), so every shopper sees the same instant. The remaining time
 * is also kept on the canvas as `data-remaining-ms`, for assistive tools and tests.
 */
export class CanvasCountdown {
  private readonly canvas: HTMLCanvasElement;
  private readonly now: () => number;
  private target: number | null = null;
  private frame = 0;
  private onZero: (() => void) | null = null;

  constructor(canvas: HTMLCanvasElement, now: () => number) {
    this.canvas = canvas;
    this.now = now;
    const scale = window.devicePixelRatio || 1;
    const { width, height } = canvas;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = width * scale;
    canvas.height = height * scale;
    canvas.getContext("2d")?.scale(scale, scale);
  }

  /** Counts down to `target` (server time); `onZero` runs once when it is reached. */
  countTo(target: number, onZero?: () => void): void {
    this.target = target;
    this.onZero = onZero ?? null;
    cancelAnimationFrame(this.frame);
    const tick = () => {
      const left = Math.max(0, (this.target ?? 0) - this.now());
      this.draw(left);
      if (left === 0) {
        const done = this.onZero;
        this.onZero = null;
        done?.();
        return;
      }
      this.frame = requestAnimationFrame(tick);
    };
    tick();
  }

  /** Stops drawing (the static countdown took its place, issue 13). */
  stop(): void {
    cancelAnimationFrame(this.frame);
    this.onZero = null;
  }

  private draw(ms: number): void {
    this.canvas.dataset.remainingMs = String(Math.round(ms));
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const width = this.canvas.width / (window.devicePixelRatio || 1);
    const height = this.canvas.height / (window.devicePixelRatio || 1);
    ctx.clearRect(0, 0, width, height);
    const days = Math.floor(ms / 86_400_000);
    const hours = Math.floor(ms / 3_600_000) % 24;
    const minutes = Math.floor(ms / 60_000) % 60;
    const seconds = Math.floor(ms / 1000) % 60;
    const millis = Math.floor(ms % 1000);
    const pad = (n: number, size = 2) => String(n).padStart(size, "0");
    const text = `${days > 0 ? `${days}d ` : ""}${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(millis, 3)}`;
    ctx.fillStyle = ms < 60_000 ? "#e1251b" : "#1d1d1f";
    ctx.font = `700 ${Math.round(height * 0.6)}px ui-monospace, "SF Mono", Menlo, Consolas, monospace`;
    ctx.textBaseline = "middle";
    ctx.fillText(text, 0, height / 2);
  }
}
