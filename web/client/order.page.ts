import { formatMoney } from "../../src/money.ts";
import type { presentOrder } from "../../workers/storefront/api/present.ts";
import { api, ApiError } from "./shared/api.ts";
import { ServerClock } from "./shared/clock.ts";
import { CanvasCountdown } from "./shared/countdown.ts";
import { t } from "./shared/i18n.ts";
import { syncOverHttp } from "./shared/time-sync.ts";
import { pageEvents } from "./shared/events.ts";
import { recordLanding } from "./shared/landing.ts";

/** An order as the API shows it to its shopper. */
type Order = ReturnType<typeof presentOrder>;

const $ = (id: string) => document.getElementById(id)!;
const orderId = $("order").dataset.orderId!;
const clock = new ServerClock();
const countdown = new CanvasCountdown($("countdown") as HTMLCanvasElement, () => clock.now());
const message = $("message");
let order: Order | null = null;

function render(): void {
  if (!order) return;
  $("order").dataset.status = order.status;
  const note = { paid: t("paidThanks"), cancelled: t("cancelledNote"), expired: t("expiredNote"), pending_payment: "" }[order.status];
  $("order-status").textContent = `${t(`orderStatus_${order.status}`)}${note ? ` · ${note}` : ""}`;
  const lines = $("order-lines");
  lines.replaceChildren();
  const add = (label: string, value: string) => {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    lines.append(dt, dd);
  };
  add(order.sku, `${order.qty} × ${order.unitPrices.map((p) => formatMoney(p)).join(" + ")}${order.tier ? ` (${order.tier})` : ""}`);
  add(t("total"), formatMoney(order.totalAmount));
  const pending = order.status === "pending_payment";
  $("pay-form").hidden = !pending;
  $("hold").hidden = !pending;
  if (pending && order.expiresAt) countdown.countTo(order.expiresAt, () => void load());
  ($("back") as HTMLAnchorElement).href = `/sales/${encodeURIComponent(order.sku)}`;
}

async function act(work: () => Promise<{ order: Order }>): Promise<void> {
  message.textContent = "";
  for (const button of document.querySelectorAll<HTMLButtonElement>("#pay-form button")) button.disabled = true;
  try {
    order = (await work()).order;
  } catch (error) {
    message.textContent = error instanceof ApiError ? error.message : t("error_internal");
    await load();
  } finally {
    for (const button of document.querySelectorAll<HTMLButtonElement>("#pay-form button")) button.disabled = false;
  }
  render();
}

async function load(): Promise<void> {
  try {
    order = (await api<{ order: Order }>(`/api/orders/${encodeURIComponent(orderId)}`)).order;
    render();
  } catch (error) {
    $("order-status").textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
}

$("pay-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const paymentMethod = ($("pay-method") as HTMLSelectElement).value;
  void act(() => api(`/api/orders/${encodeURIComponent(orderId)}/pay`, { method: "POST", body: { paymentMethod } }));
});
$("cancel").addEventListener("click", () => {
  void act(() => api(`/api/orders/${encodeURIComponent(orderId)}/cancel`, { method: "POST" }));
});

await syncOverHttp(clock);
await load();
// Share links (issue 14): after the order's read, which issued the session.
void recordLanding(Promise.resolve());
pageEvents.record({ type: "page_view" });
