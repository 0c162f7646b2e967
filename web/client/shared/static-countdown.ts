import { t } from "./i18n.ts";

/**
 * The static countdown (issue 13, the countdown experiment's other variant): the moment the
 * sale opens or ends as a time of day, "Ends 23:59", drawn once, not a ticking clock. It
 * takes the canvas countdown's place and its `countTo`, so the page moves on to the next
 * phase at the same instant either way (a timer on server time, not a frame loop).
 */
export class StaticCountdown {
  private readonly element: HTMLElement;
  private readonly now: () => number;
  private timer = 0;

  constructor(element: HTMLElement, now: () => number) {
    this.element = element;
    this.now = now;
  }

  countTo(target: number, onZero?: () => void, opening = false): void {
    clearTimeout(this.timer);
    const when = new Date(target).toLocaleString(document.documentElement.lang || "en", {
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
    this.element.textContent = t(opening ? "countdown_opensAt" : "countdown_endsAt", { time: when });
    this.element.dataset.target = String(target);
    const left = target - this.now();
    // setTimeout takes at most 2^31 − 1 ms; a sale further off than ~24 days is re-armed when the page is next rendered.
    if (onZero && left < 2 ** 31 - 1) this.timer = window.setTimeout(onZero, Math.max(0, left));
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
