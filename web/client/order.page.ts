import { formatMoney } from "../../src/money.ts";
import type { presentOrder } from "../../workers/storefront/api/present.ts";
import { api, ApiError } from "./shared/api.ts";
import { ServerClock } from "./shared/clock.ts";
import { CanvasCountdown } from "./shared/countdown.ts";
import { appliesTo, couponHeadline, discountWith, type WalletCoupon } from "./shared/coupons.ts";
import { lang, t } from "./shared/i18n.ts";
import { syncOverHttp } from "./shared/time-sync.ts";
import { pageEvents } from "./shared/events.ts";
import { recordLanding } from "./shared/landing.ts";
import { chosenInvoice } from "./order-invoice.ts";
import { mountPriceProtection } from "./order-price-protection.ts";
import { mountOrderPoints } from "./order-points.ts";
import { mountOrderPresale } from "./order-presale.ts";

/** An order as the API shows it to its shopper; a presale order carries its line and state (issue 19). */
type Order = ReturnType<typeof presentOrder>;

const $ = (id: string) => document.getElementById(id)!;
const orderId = $("order").dataset.orderId!;
const clock = new ServerClock();
const countdown = new CanvasCountdown($("countdown") as HTMLCanvasElement, () => clock.now());
const message = $("message");
let order: Order | null = null;
/** The shopper's coupons (issue 14): what the chooser offers, with the ones the order carries. */
let wallet: WalletCoupon[] = [];
/** "Use points" (issue 16): its own module, acting through `act` like the coupon chooser. */
const orderPoints = mountOrderPoints(orderId, (work) => act(work));
const chooser = $("coupon-chooser") as HTMLFieldSetElement;
const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
/** Presale (issue 19): the deposit and balance, their deadlines, and what Pay pays. */
const presale = mountOrderPresale(clock, () => void load());

function render(): void {
  if (!order) return;
  $("order").dataset.status = order.status;
  const notes: Record<string, string> = { paid: t("paidThanks"), cancelled: t("cancelledNote"), expired: t("expiredNote") };
  const note = notes[order.status] ?? "";
  $("order-status").textContent = `${t(`orderStatus_${order.status}`)}${note ? ` · ${note}` : ""}`;
  const lines = $("order-lines");
  lines.replaceChildren();
  const add = (label: string, value: string, field: string, couponId?: string) => {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dd.dataset.field = field;
    if (couponId) dd.dataset.couponId = couponId;
    lines.append(dt, dd);
  };
  add(
    order.sku,
    `${order.qty} × ${order.unitPrices.map((p) => formatMoney(p)).join(" + ")}${order.tier ? ` (${order.tier})` : ""}`,
    "units",
  );
  add(t("subtotal"), formatMoney(order.subtotalAmount), "subtotal");
  if (order.memberPrice)
    add(t("memberPriceLine", { percent: order.memberPrice.percentOff }), `−${formatMoney(order.memberPrice.amount)}`, "member-price");
  for (const line of order.discounts)
    add(t("discountLine", { title: line.title }), `−${formatMoney(line.amount)}`, "discount", line.couponId);
  if (order.pointsUsed > 0) add(t("pointsLine"), `−${formatMoney(order.pointsUsed)}`, "points");
  // A presale's deposit worth more than it is paid (膨胀): the difference is what the total saves.
  if (order.presale && order.presale.depositWorth > order.presale.deposit)
    add(t("presale_worthLine"), `−${formatMoney(order.presale.depositWorth - order.presale.deposit)}`, "presale-worth");
  add(t("total"), formatMoney(order.totalAmount), "total");
  if (order.invoiceKind) add(t("invoiceChoice"), t(`invoiceKind_${order.invoiceKind}`), "invoice");
  $("order").dataset.coupons = order.discounts.map((line) => line.couponId).join(" ");
  const pending = order.status === "pending_payment";
  // A presale order's coupons and points are the presale's business (README "Presale"): no chooser.
  const ofPresale = presale.render(order);
  renderChooser(order, pending && !ofPresale.presale);
  orderPoints.render(order);
  if (ofPresale.presale) $("points-chooser").hidden = true;
  $("pay-form").hidden = !ofPresale.payable;
  ($("pay") as HTMLButtonElement).disabled = presale.waiting;
  // A paid deposit cannot be cancelled here: it is kept or refunded by the forfeit rule.
  $("cancel").hidden = !pending;
  if (!ofPresale.presale) ($("pay") as HTMLButtonElement).textContent = t("payNow");
  // The presale's own countdown says how long the deposit's hold lasts.
  $("hold").hidden = !pending || ofPresale.presale;
  if (pending && !ofPresale.presale && order.expiresAt) countdown.countTo(order.expiresAt, () => void load());
  ($("back") as HTMLAnchorElement).href = `/sales/${encodeURIComponent(order.sku)}`;
}

/**
 * The coupon chooser of an unpaid order: "no coupon", the shopper's coupons usable for its SKU,
 * and the one it carries, checked; each says what it would save on this order or the order it
 * needs. One coupon at a time (the common case; stacking stays with the API).
 */
function renderChooser(order: Order, pending: boolean): void {
  const carried = new Set(order.discounts.map((line) => line.couponId));
  const choices = wallet.filter((coupon) => carried.has(coupon.id) || (coupon.usable && appliesTo(coupon, order.sku)));
  chooser.hidden = !pending || (choices.length === 0 && carried.size === 0);
  if (chooser.hidden) return;
  const focused =
    document.activeElement instanceof HTMLInputElement && document.activeElement.name === "coupon" ? document.activeElement.value : null;
  const options = [choice("", t("coupon_none"), [], carried.size === 0, false)];
  for (const coupon of choices) {
    // Coupons are weighed against the member price, as the order prices them.
    const discount = discountWith(coupon, order.sku, order.subtotalAmount - (order.memberPrice?.amount ?? 0));
    const notes = [
      discount === null
        ? t("coupon_needsMin", { min: formatMoney(coupon.minSpend) })
        : t("coupon_saves", { discount: formatMoney(discount) }),
      t("coupon_validUntil", { date: dates.format(coupon.validUntil) }),
    ];
    options.push(choice(coupon.id, couponHeadline(coupon), [coupon.title, notes.join(" · ")], carried.has(coupon.id), discount === null));
  }
  // A coupon the order carries that the wallet did not list (read before it was held): as its discount line names it.
  for (const line of order.discounts) {
    if (!choices.some((coupon) => coupon.id === line.couponId)) options.push(choice(line.couponId, line.title, [], true, false));
  }
  $("coupon-options").replaceChildren(...options);
  if (focused !== null) chooser.querySelector<HTMLInputElement>(`input[value="${CSS.escape(focused)}"]`)?.focus();
}

/** One radio of the chooser, labelled by the coupon's terms and notes. */
function choice(value: string, headline: string, notes: string[], checked: boolean, disabled: boolean): HTMLLabelElement {
  const label = document.createElement("label");
  label.className = "coupon-option";
  label.dataset.couponId = value;
  const input = document.createElement("input");
  input.type = "radio";
  input.name = "coupon";
  input.value = value;
  input.checked = checked;
  input.disabled = disabled;
  const text = document.createElement("span");
  text.className = "coupon-text";
  const strong = document.createElement("strong");
  strong.textContent = headline;
  text.append(strong);
  for (const note of notes) {
    const span = document.createElement("span");
    span.className = "meta";
    span.textContent = note;
    text.append(span);
  }
  label.append(input, text);
  return label;
}

/** Prices the order again with the chosen coupon (`[]`: none); the lines and the chooser follow. */
async function applyCoupons(coupons: string[]): Promise<void> {
  $("coupon-status").textContent = t("coupon_applying");
  chooser.dataset.state = "applying";
  await act(() => api(`/api/orders/${encodeURIComponent(orderId)}/coupons`, { method: "POST", body: { coupons } }));
  // The coupon given back is available again; the one taken is held.
  await loadWallet();
  $("coupon-status").textContent = "";
  chooser.dataset.state = "ready";
  render();
}

/** The shopper's whole wallet: the chooser needs the coupons the order holds too, which `?sku=` leaves out. */
async function loadWallet(): Promise<void> {
  try {
    wallet = (await api<{ coupons: WalletCoupon[] }>("/api/me/coupons")).coupons;
  } catch {
    // no chooser then: the order is paid as it is
  }
}

async function act(work: () => Promise<{ order: Order }>): Promise<void> {
  message.textContent = "";
  for (const button of document.querySelectorAll<HTMLButtonElement>("#pay-form button")) button.disabled = true;
  chooser.disabled = true;
  $("order").dataset.busy = "true";
  try {
    order = (await work()).order;
  } catch (error) {
    message.textContent = presale.explain(error) ?? (error instanceof ApiError ? error.message : t("error_internal"));
    await load();
  } finally {
    for (const button of document.querySelectorAll<HTMLButtonElement>("#pay-form button")) button.disabled = false;
    chooser.disabled = false;
    delete $("order").dataset.busy;
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
  // A presale order names the line it pays, so a retry after a lost answer is not taken for the next one.
  const line = order?.presale ? (order.status === "pending_payment" ? "deposit" : "balance") : undefined;
  void act(() =>
    api(`/api/orders/${encodeURIComponent(orderId)}/pay`, {
      method: "POST",
      body: { paymentMethod, invoice: chosenInvoice(), ...(line ? { line } : {}) },
    }),
  );
});
$("cancel").addEventListener("click", () => {
  void act(() => api(`/api/orders/${encodeURIComponent(orderId)}/cancel`, { method: "POST" }));
});

$("coupon-options").addEventListener("change", (event) => {
  const input = event.target as HTMLInputElement;
  if (input.name === "coupon") void applyCoupons(input.value ? [input.value] : []);
});

mountPriceProtection($("order"));
await syncOverHttp(clock);
await loadWallet();
await load();
// Share links (issue 14): after the order's read, which issued the session.
void recordLanding(Promise.resolve());
pageEvents.record({ type: "page_view" });
