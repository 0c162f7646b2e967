import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import type { Capability } from "../../../src/staff/roles.ts";
import { storeCouponWords } from "../../../src/store-coupons/stats-words.ts";

/**
 * The console's Store coupons view (issue 15), in the page's language
 * (src/store-coupons/stats-words.ts): a period and a focus (everything, one livestream, one
 * store), the figures (claimed, redeemed, redemption rate), redemptions over time drawn by
 * web/client/console/store-coupons-view.ts with uPlot, and the tables per livestream and per store.
 */
export function storeCouponsSection(lang: Lang) {
  const w = storeCouponWords(lang);
  return html`<section id="store-coupons" class="card" lang="${lang}" data-capability="${needs("readSales")}" hidden>
    <div class="toolbar">
      <h2>${w.storeCoupons}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#store-coupons">${w.otherLanguage}</a>
      <button type="button" id="refresh-store-coupons" class="secondary">${w.refresh}</button>
      <button type="button" id="close-store-coupons" class="secondary">${w.close}</button>
    </div>
    <form id="store-coupons-pick" class="inline-form">
      <label>${w.period}
        <select id="store-coupons-period" name="period">
          <option value="24h">${w.period_24h}</option>
          <option value="7d" selected>${w.period_7d}</option>
          <option value="30d">${w.period_30d}</option>
        </select>
      </label>
      <label>${w.focus} <select id="store-coupons-focus" name="focus"><option value="all">${w.focus_all}</option></select></label>
    </form>
    <p id="store-coupons-status" class="muted" role="status"></p>
    <div id="store-coupons-report" hidden>
      <dl id="store-coupons-figures" class="figures"></dl>
      <h3 id="store-coupons-over-time"></h3>
      <figure id="store-coupons-chart" class="chart"><div class="plot"></div></figure>
      <div id="store-coupons-livestreams"></div>
      <div id="store-coupons-stores"></div>
      <p class="muted">${w.storeClaimedNote}</p>
    </div>
  </section>`;
}

function needs(capability: Capability): Capability {
  return capability;
}
