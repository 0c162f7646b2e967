import { countdownText } from "../../../src/presale-view/countdown-text.ts";
import type { Lang } from "../../../src/i18n/messages.ts";

/**
 * The presale countdowns on a page (issue 19): every element with `data-countdown-to` (epoch ms,
 * server time) shows the days and hh:mm:ss left, once a second, from one timer for the page.
 * `onZero` runs once when any of them reaches its moment (the page reads again then).
 */
export class PresaleTicker {
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The moment each element last reached: an element counting to a new moment fires again. */
  private readonly fired = new WeakMap<Element, number>();
  private readonly root: ParentNode;
  private readonly now: () => number;
  private readonly lang: Lang;
  private readonly onZero: () => void;

  constructor(root: ParentNode, now: () => number, lang: Lang, onZero: () => void = () => {}) {
    this.root = root;
    this.now = now;
    this.lang = lang;
    this.onZero = onZero;
  }

  start(): void {
    this.tick();
    this.timer ??= setInterval(() => this.tick(), 1_000);
  }

  tick(): void {
    const now = this.now();
    for (const element of this.root.querySelectorAll<HTMLElement>("[data-countdown-to]")) {
      const target = Number(element.dataset.countdownTo);
      const left = target - now;
      element.textContent = countdownText(left, this.lang);
      if (left <= 0 && this.fired.get(element) !== target) {
        this.fired.set(element, target);
        this.onZero();
      }
    }
  }
}
