import { html } from "hono/html";
import { LOCAL_PAYMENT_METHODS } from "../../../src/payments/index.ts";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";
import { invoiceChoice } from "./invoice-choice.ts";

/**
 * The order page: a shell only. The order is personal, so the page is never cached and
 * its script reads the order through the API with the shopper's own session.
 *
 * Its lines show the subtotal, the member price (issue 16), each coupon's discount, the points
 * and the total. While the order awaits
 * payment, #coupon-chooser lets the shopper pick one of their coupons for it, or none
 * (`POST /api/orders/{id}/coupons`), and the lines follow the order as priced again.
 * #points-chooser spends points on it (issue 16, web/client/order-points.ts).
 *
 * A presale order (issue 19) shows #presale: the deposit and its worth, the balance, both
 * balance deadlines with a countdown to the next, and the forfeit rule (or its outcome); Pay
 * pays the deposit, then the balance, disabled with "opens in …" until the balance window
 * opens (web/client/order-presale.ts).
 */
export function orderPage(lang: Lang, orderId: string): Markup {
  const t = messages(lang);
  return html`<article class="order card" id="order" data-order-id="${orderId}">
    <h1>${t.yourOrder}</h1>
    <p class="status" id="order-status">${t.loading}</p>
    <dl class="order-lines" id="order-lines"></dl>
    <section class="presale" id="presale" aria-labelledby="presale-title" hidden>
      <h2 id="presale-title">${t.presale_badge} · <span id="presale-state"></span></h2>
      <dl class="order-lines" id="presale-lines"></dl>
      <p class="presale-deadline" id="presale-deadline" hidden>
        <span id="presale-deadline-label"></span> <strong class="presale-countdown" id="presale-countdown"></strong>
      </p>
      <p class="meta" id="presale-forfeit"></p>
    </section>
    <fieldset class="coupon-chooser" id="coupon-chooser" data-state="ready" hidden>
      <legend>${t.coupon_chooser}</legend>
      <div class="coupon-options" id="coupon-options"></div>
      <p class="coupon-note" id="coupon-status" role="status"></p>
    </fieldset>
    <form class="points-chooser" id="points-chooser" hidden>
      <fieldset>
        <legend>${t.points_use}</legend>
        <p class="meta" id="points-available"></p>
        <label>${t.points_useLabel}
          <input type="number" id="points-input" name="points" min="0" step="1" inputmode="numeric" />
        </label>
        <button type="submit" id="points-apply" class="secondary">${t.points_apply}</button>
        <p class="coupon-note" id="points-note" role="status"></p>
      </fieldset>
    </form>
    <div class="countdown" id="hold" hidden>
      <span>${t.holdExpiresIn}</span>
      <canvas id="countdown" width="360" height="64"></canvas>
    </div>
    <form id="pay-form" hidden>
      ${invoiceChoice(t)}
      <label>${t.payMethod}
        <select id="pay-method">
          <option value="${LOCAL_PAYMENT_METHODS.approve}">${t.method_approve}</option>
          <option value="${LOCAL_PAYMENT_METHODS.decline}">${t.method_decline}</option>
        </select>
      </label>
      <button type="submit" id="pay">${t.payNow}</button>
      <p class="presale-opens" id="presale-opens" role="status" hidden>
        <span id="presale-opens-label"></span> <strong id="presale-opens-countdown"></strong>
      </p>
      <button type="button" id="cancel" class="secondary">${t.cancelOrder}</button>
    </form>
    <section class="price-protection" id="price-protection" hidden>
      <h2>${t.priceProtectionTitle}</h2>
      <p class="meta">${t.priceProtectionHint}</p>
      <button type="button" id="claim-price-protection" class="secondary">${t.priceProtectionClaim}</button>
      <p id="price-protection-status" role="status"></p>
    </section>
    <p class="message" id="message" role="alert"></p>
    <p><a id="back" href="/">${t.backToSale}</a></p>
  </article>`;
}
