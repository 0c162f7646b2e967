import { deadlineText } from "../../src/presale-view/countdown-text.ts";
import { nextPresaleDeadline, type PresaleOrderSummary } from "../../src/presale-view/presale-timeline.ts";
import type { Lang, MessageKey } from "../../src/i18n/messages.ts";
import { formatMoney } from "../../src/money.ts";
import { ApiError, api } from "./shared/api.ts";
import type { ServerClock } from "./shared/clock.ts";
import { lang, t } from "./shared/i18n.ts";
import { PresaleTicker } from "./shared/presale-ticker.ts";

/**
 * "My presale orders" on the account page (issue 19): each presale order with its state, what
 * is paid and left to pay, and the next deadline with a countdown (pay the deposit by, the
 * balance opens in, pay the balance by), linking to the order page where it is paid. Read from
 * `GET /api/me/presale-orders` with the profile, after it (one session per first visit).
 */
const $ = (id: string) => document.getElementById(id);

export function mountPresaleOrders(clock: ServerClock): () => Promise<void> {
  const root = $("me-presale");
  const ticker = root
    ? new PresaleTicker(
        root,
        () => clock.now(),
        lang as Lang,
        () => void load(),
      )
    : null;
  async function load(): Promise<void> {
    if (!root) return;
    try {
      const { orders } = await api<{ orders: PresaleOrderSummary[] }>("/api/me/presale-orders");
      render(orders, clock.now());
      ticker?.start();
    } catch (error) {
      root.dataset.state = "error";
      $("presale-status")!.textContent = error instanceof ApiError ? error.message : t("error_internal");
    }
  }
  return load;
}

function render(orders: PresaleOrderSummary[], now: number): void {
  const root = $("me-presale")!;
  root.dataset.state = "ready";
  $("presale-status")!.textContent = orders.length === 0 ? t("presale_none") : "";
  $("presale-orders")!.replaceChildren(
    ...orders.map((order) => {
      const li = document.createElement("li");
      li.dataset.orderId = order.id;
      li.dataset.state = order.presale.state;
      const link = document.createElement("a");
      link.href = `/orders/${encodeURIComponent(order.id)}`;
      link.textContent = `${order.sku} × ${order.qty}`;
      const state = document.createElement("strong");
      state.className = "presale-state";
      state.textContent = t(`presale_state_${order.presale.state}` as MessageKey);
      const amounts = document.createElement("span");
      amounts.className = "meta";
      amounts.textContent = `${t("presale_deposit")} ${formatMoney(order.presale.deposit)} · ${t("presale_balance")} ${formatMoney(order.presale.balance)}`;
      li.append(link, " ", state, " ", amounts);
      const next = nextPresaleDeadline(order.presale, order.expiresAt, now);
      if (next) {
        const deadline = document.createElement("span");
        deadline.className = "presale-deadline";
        deadline.dataset.kind = next.kind;
        const what = document.createElement("span");
        what.textContent = `${t(`presale_deadline_${next.kind}` as MessageKey)} `;
        const count = document.createElement("strong");
        count.dataset.countdownTo = String(next.at);
        const at = document.createElement("span");
        at.className = "meta";
        at.textContent = ` (${deadlineText(next.at, lang as Lang)})`;
        deadline.append(what, count, at);
        li.append(deadline);
      }
      return li;
    }),
  );
}
