import { deadlineText } from "../../src/presale-view/countdown-text.ts";
import { nextPresaleDeadline, type PresaleOrderView, presalePayButton } from "../../src/presale-view/presale-timeline.ts";
import type { Lang, MessageKey } from "../../src/i18n/messages.ts";
import { formatMoney } from "../../src/money.ts";
import { ApiError } from "./shared/api.ts";
import type { ServerClock } from "./shared/clock.ts";
import { lang, t } from "./shared/i18n.ts";
import { PresaleTicker } from "./shared/presale-ticker.ts";

/** What the order page needs of an order to show its presale part (the shopper's order API answer). */
export interface PresaleOrderLike {
  status: string;
  expiresAt: number | null;
  presale?: PresaleOrderView | null;
}

/**
 * The presale part of the order page (issue 19): the deposit, what it is worth, the balance,
 * both balance deadlines and a countdown to the next one, and the forfeit rule, or its outcome
 * once forfeited. It also says what the page's Pay button pays: the deposit, or the balance,
 * which is shown disabled with "opens in …" until its window opens (the page reads the order
 * again then). A 409 `balance_not_open` from the server (our clock ran ahead) shows the opening.
 */
export function mountOrderPresale(clock: ServerClock, reload: () => void) {
  const $ = (id: string) => document.getElementById(id)!;
  const section = $("presale");
  const ticker = new PresaleTicker(document, () => clock.now(), lang as Lang, reload);
  const pay = $("pay") as HTMLButtonElement;
  let opensAt: number | null = null;

  function dl(rows: Array<[string, string, string]>): void {
    $("presale-lines").replaceChildren(
      ...rows.flatMap(([label, value, field]) => {
        const dt = document.createElement("dt");
        dt.textContent = label;
        const dd = document.createElement("dd");
        dd.textContent = value;
        dd.dataset.field = field;
        return [dt, dd];
      }),
    );
  }

  return {
    /**
     * Shows the order's presale part; answers whether the pay form is for a presale payment
     * (then the page shows it, and leaves its hold countdown to ours).
     */
    render(order: PresaleOrderLike): { presale: boolean; payable: boolean } {
      const presale = order.presale ?? null;
      section.hidden = presale === null;
      if (!presale) {
        opensAt = null;
        return { presale: false, payable: order.status === "pending_payment" };
      }
      const now = clock.now();
      section.dataset.state = presale.state;
      $("presale-state").textContent = t(`presale_state_${presale.state}` as MessageKey);
      const at = (when: number) => deadlineText(when, lang as Lang);
      dl([
        [
          t("presale_deposit"),
          `${formatMoney(presale.deposit)} (${t("presale_worth", { worth: formatMoney(presale.depositWorth) })})`,
          "deposit",
        ],
        [t("presale_balance"), formatMoney(presale.balance), "balance"],
        [t("presale_balanceOpens"), at(presale.balanceOpensAt), "balance-opens"],
        [t("presale_balanceCloses"), at(presale.balanceClosesAt), "balance-closes"],
      ]);
      const next = nextPresaleDeadline(presale, order.expiresAt, now);
      const deadline = $("presale-deadline");
      deadline.hidden = next === null;
      if (next) {
        deadline.dataset.kind = next.kind;
        $("presale-deadline-label").textContent = t(`presale_deadline_${next.kind}` as MessageKey);
        $("presale-countdown").dataset.countdownTo = String(next.at);
      } else {
        delete $("presale-countdown").dataset.countdownTo;
      }
      $("presale-forfeit").textContent = t(
        (presale.state === "forfeited" ? `presale_forfeited_${presale.forfeit}` : `presale_forfeit_${presale.forfeit}`) as MessageKey,
      );
      $("presale-forfeit").dataset.outcome = presale.state === "forfeited" ? presale.forfeit : "";
      const button = presalePayButton(presale, now);
      pay.dataset.payment = button?.payment ?? "";
      opensAt = button?.payment === "balance" && !button.enabled ? button.opensAt : null;
      if (button) {
        pay.textContent = t(button.payment === "deposit" ? "presale_payDeposit" : "presale_payBalance", {
          amount: formatMoney(button.amount),
        });
      }
      const note = $("presale-opens");
      note.hidden = opensAt === null;
      if (opensAt !== null) {
        $("presale-opens-label").textContent = t("presale_deadline_balance_opens");
        $("presale-opens-countdown").dataset.countdownTo = String(opensAt);
      } else {
        delete $("presale-opens-countdown").dataset.countdownTo;
      }
      ticker.start();
      return { presale: true, payable: button !== null };
    },
    /** Whether Pay must stay disabled now: the balance's window is not open yet. */
    get waiting(): boolean {
      return opensAt !== null && clock.now() < opensAt;
    },
    /** The message for a refusal, when it is the presale's: a 409 `balance_not_open` says when it opens. */
    explain(error: unknown): string | null {
      if (!(error instanceof ApiError) || error.code !== "balance_not_open") return null;
      const when = Number(error.details.opensAt);
      return Number.isFinite(when) && when > 0 ? t("presale_balanceOpensAt", { time: deadlineText(when, lang as Lang) }) : error.message;
    },
  };
}
