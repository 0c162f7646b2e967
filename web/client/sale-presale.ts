import { balancePerUnit, type PresaleWindow, presaleWindowAt } from "../../src/presale-view/presale-timeline.ts";
import type { Lang, MessageKey } from "../../src/i18n/messages.ts";
import { formatMoney } from "../../src/money.ts";
import type { Presale } from "../../src/presale/presale-terms.ts";
import type { ServerClock } from "./shared/clock.ts";
import { lang, t } from "./shared/i18n.ts";
import { PresaleTicker } from "./shared/presale-ticker.ts";

/**
 * The sale page's presale part (issue 19, workers/storefront/pages/presale-section.ts): the
 * window the sale is in by server time and its countdown, the balance at the live price, and
 * whether Buy takes a deposit now. Absent on a sale that is not a presale.
 */
export class SalePresale {
  readonly terms: Presale | null;
  private readonly clock: ServerClock;
  private readonly ticker: PresaleTicker | null;

  constructor(clock: ServerClock, onEdge: () => void) {
    const json = document.getElementById("presale-terms")?.textContent;
    this.terms = json ? (JSON.parse(json) as Presale) : null;
    this.clock = clock;
    const root = document.getElementById("presale");
    this.ticker = this.terms && root ? new PresaleTicker(root, () => clock.now(), lang as Lang, onEdge) : null;
  }

  /** The deposit window is open: Buy places a presale order (pays a deposit). */
  depositOpen(now = this.clock.now()): boolean {
    return this.terms !== null && presaleWindowAt(this.terms, now).window === "deposit";
  }

  render(unitPrice: number | null): void {
    if (!this.terms) return;
    const { window, until } = presaleWindowAt(this.terms, this.clock.now());
    const root = document.getElementById("presale")!;
    if (root.dataset.window !== window) this.moveTo(root, window, until);
    document.getElementById("presale-balance")!.textContent =
      unitPrice === null ? "—" : t("presale_balanceAtPrice", { balance: formatMoney(balancePerUnit(this.terms, unitPrice)) });
    this.ticker?.start();
  }

  private moveTo(root: HTMLElement, window: PresaleWindow, until: number | null): void {
    root.dataset.window = window;
    document.getElementById("presale-window-label")!.textContent = t(`presale_window_${window}` as MessageKey);
    const countdown = document.getElementById("presale-window-countdown")!;
    if (until === null) {
      delete countdown.dataset.countdownTo;
      countdown.textContent = "";
    } else countdown.dataset.countdownTo = String(until);
  }
}
