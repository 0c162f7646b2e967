import { html } from "hono/html";
import { COUPON_TYPES, REDEEM_KINDS } from "../../../src/coupons/coupon-template.ts";
import { type CouponWords, couponWords } from "../../../src/coupons/coupon-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { SEGMENTS } from "../../../src/rfm/segment-names.ts";
import { segmentWords } from "../../../src/rfm/segment-words.ts";
import type { Capability } from "../../../src/staff/roles.ts";

/**
 * The console's Coupons view (issue 14), in the page's language (src/coupons/coupon-words.ts):
 * the list of templates with their pools' figures (drawn by web/client/console/coupons-view.ts)
 * and the create/edit form, static like the sale form, so every problem the API lists lands
 * next to its field (`data-path`). Money is typed in yuan and sent as integer fen, times in
 * local time and sent as epoch ms (web/client/console/coupon-form.ts).
 */
export function couponsSection(lang: Lang) {
  const w = couponWords(lang);
  return html`<section id="coupons" class="card" lang="${lang}" data-capability="${needs("readSales")}" hidden>
    <div class="toolbar">
      <h2>${w.coupons}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#coupons">${w.otherLanguage}</a>
      <button type="button" id="new-coupon" data-capability="${needs("editSales")}">${w.newCoupon}</button>
      <button type="button" id="refresh-coupons" class="secondary">${w.refresh}</button>
      <button type="button" id="close-coupons" class="secondary">${w.close}</button>
    </div>
    <div id="coupon-list"></div>
  </section>
  ${couponForm(lang, w)}`;
}

function couponForm(lang: Lang, w: CouponWords) {
  return html`<form id="coupon-editor" class="card" lang="${lang}" data-capability="${needs("editSales")}" novalidate hidden>
    <div class="toolbar"><h2 id="coupon-editor-title">${w.form_new}</h2><button type="button" id="close-coupon-editor" class="secondary">${w.cancel}</button></div>
    <div id="coupon-form-problems" class="problem" hidden></div>
    <fieldset>
      <legend>${w.legend_coupon}</legend>
      <label>${w.f_id} <input name="id" data-path="id" placeholder="double11-300-50" autocomplete="off" spellcheck="false" /></label>
      <label>${w.f_title} <input name="title" data-path="title" maxlength="80" placeholder="满300减50" /></label>
      <label>${w.f_description} <textarea name="description" data-path="description" rows="2" maxlength="500"></textarea></label>
    </fieldset>
    <fieldset>
      <legend>${w.legend_discount}</legend>
      <label>${w.f_type}
        <select name="type" data-path="type">${COUPON_TYPES.map((t) => html`<option value="${t}">${w[`type_${t}`]}</option>`)}</select>
      </label>
      <label>${w.f_minSpend} <input name="minSpend" data-path="minSpend" inputmode="decimal" placeholder="300" /></label>
      <label data-for-type="amount_off">${w.f_amountOff} <input name="amountOff" data-path="amountOff" inputmode="decimal" placeholder="50" /></label>
      <label data-for-type="percent_off">${w.f_percentOff} <input name="percentOff" data-path="percentOff" inputmode="numeric" placeholder="12" /></label>
      <label data-for-type="percent_off">${w.f_maxDiscount} <input name="maxDiscount" data-path="maxDiscount" inputmode="decimal" placeholder="100" /></label>
      <label>${w.f_skus} <input name="skus" data-path="skus" autocomplete="off" spellcheck="false" placeholder="earbuds-pro-1111, smartwatch-1111" /></label>
    </fieldset>
    <fieldset>
      <legend>${w.legend_when}</legend>
      <label>${w.f_validFrom} <input name="validFrom" data-path="validFrom" type="datetime-local" /></label>
      <label>${w.f_validUntil} <input name="validUntil" data-path="validUntil" type="datetime-local" /></label>
    </fieldset>
    <fieldset>
      <legend>${w.legend_pool}</legend>
      <label>${w.f_totalQuantity} <input name="totalQuantity" data-path="totalQuantity" inputmode="numeric" /></label>
      <label>${w.f_perShopperLimit} <input name="perShopperLimit" data-path="perShopperLimit" inputmode="numeric" value="1" /></label>
      <label class="inline"><input name="stackable" data-path="stackable" type="checkbox" /> ${w.f_stackable}</label>
      <label class="inline"><input name="paused" data-path="paused" type="checkbox" /> ${w.f_paused}</label>
      <label class="inline"><input name="claimable" data-path="claimable" type="checkbox" checked /> ${w.f_claimable}</label>
      <label>${w.f_redeem}
        <select name="redeem" data-path="redeem">${REDEEM_KINDS.map((r) => html`<option value="${r}">${w[`redeem_${r}`]}</option>`)}</select>
      </label>
    </fieldset>
    <fieldset data-path="segments">
      <legend>${segmentWords(lang).audience}</legend>
      ${SEGMENTS.map((segment) => html`<label class="inline"><input name="segments" type="checkbox" value="${segment}" /> ${segmentWords(lang).segment[segment]}</label>`)}
    </fieldset>
    <button type="submit" id="save-coupon">${w.save}</button>
  </form>`;
}

/** A control's capability for `data-capability` (the console's other sections use it too). */
export function needs(capability: Capability): Capability {
  return capability;
}
