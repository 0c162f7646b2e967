import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import { STORE_CSV_COLUMNS, STORE_CSV_EXAMPLE } from "../../../src/stores/store-csv.ts";
import { type StoreWords, storeWords } from "../../../src/stores/store-words.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Stores view (issue 15), in the page's language (src/stores/store-words.ts), built
 * as the Coupons view is (./console-coupons.ts): the list of stores (drawn by
 * web/client/console/stores-view.ts); the create/edit form, static, every input named by its API
 * path (`data-path`) so each problem lands next to its field; the CSV import (a file or pasted
 * text; every bad row listed); and a store's staff tokens (issued and shown once, listed, revoked).
 */
export function storesSection(lang: Lang) {
  const w = storeWords(lang);
  return html`<section id="stores" class="card" lang="${lang}" data-capability="${needs("readSales")}" hidden>
    <div class="toolbar">
      <h2>${w.stores}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#stores">${w.otherLanguage}</a>
      <button type="button" id="new-store" data-capability="${needs("editSales")}">${w.newStore}</button>
      <button type="button" id="import-stores" class="secondary" data-capability="${needs("editSales")}">${w.importStores}</button>
      <button type="button" id="refresh-stores" class="secondary">${w.refresh}</button>
      <button type="button" id="close-stores" class="secondary">${w.close}</button>
    </div>
    <div id="store-list"></div>
  </section>
  ${storeForm(lang, w)} ${importForm(lang, w)} ${tokensSection(lang, w)}`;
}

function storeForm(lang: Lang, w: StoreWords) {
  return html`<form id="store-editor" class="card" lang="${lang}" data-capability="${needs("editSales")}" novalidate hidden>
    <div class="toolbar"><h2 id="store-editor-title">${w.form_new}</h2><button type="button" id="close-store-editor" class="secondary">${w.cancel}</button></div>
    <div id="store-form-problems" class="problem" hidden></div>
    <fieldset>
      <legend>${w.legend_store}</legend>
      <label>${w.f_id} <input name="id" data-path="id" placeholder="sh-jingan" autocomplete="off" spellcheck="false" /></label>
      <label>${w.f_name} <input name="name" data-path="name" maxlength="80" placeholder="静安旗舰店" /></label>
      <label class="inline"><input name="redeemOnlyWhenOpen" data-path="redeemOnlyWhenOpen" type="checkbox" /> ${w.f_redeemOnlyWhenOpen}</label>
      <label class="inline"><input name="active" data-path="active" type="checkbox" checked /> ${w.f_active}</label>
    </fieldset>
    <fieldset>
      <legend>${w.legend_place}</legend>
      <label>${w.f_address} <input name="address" data-path="address" maxlength="200" placeholder="南京西路1618号" /></label>
      <label>${w.f_city} <input name="city" data-path="city" maxlength="60" placeholder="上海" /></label>
      <label>${w.f_latitude} <input name="latitude" data-path="latitude" inputmode="decimal" placeholder="31.2243" /></label>
      <label>${w.f_longitude} <input name="longitude" data-path="longitude" inputmode="decimal" placeholder="121.4468" /></label>
    </fieldset>
    <fieldset>
      <legend>${w.legend_hours}</legend>
      <label>${w.f_timeZone} <input name="timeZone" data-path="timeZone" value="Asia/Shanghai" autocomplete="off" spellcheck="false" /></label>
      <label>${w.f_openingHours} <input name="openingHours" data-path="openingHours" placeholder="mon-fri 09:00-21:00; sat,sun 10:00-22:00" autocomplete="off" spellcheck="false" /></label>
    </fieldset>
    <button type="submit" id="save-store">${w.save}</button>
  </form>`;
}

function importForm(lang: Lang, w: StoreWords) {
  return html`<form id="store-import" class="card" lang="${lang}" data-capability="${needs("editSales")}" novalidate hidden>
    <div class="toolbar"><h2>${w.import_title}</h2><button type="button" id="close-store-import" class="secondary">${w.cancel}</button></div>
    <p>${w.import_help} <code>${STORE_CSV_COLUMNS.join(",")}</code></p>
    <pre class="muted">${STORE_CSV_EXAMPLE}</pre>
    <label>${w.import_file} <input type="file" id="store-csv-file" accept=".csv,text/csv" /></label>
    <label>${w.import_paste} <textarea id="store-csv-text" rows="6" spellcheck="false"></textarea></label>
    <div id="store-import-problems" class="problem" hidden></div>
    <button type="submit" id="run-store-import">${w.import_run}</button>
  </form>`;
}

function tokensSection(lang: Lang, w: StoreWords) {
  return html`<section id="store-tokens" class="card" lang="${lang}" data-capability="${needs("editSales")}" hidden>
    <div class="toolbar"><h2 id="store-tokens-title">${w.tokens}</h2><button type="button" id="close-store-tokens" class="secondary">${w.close}</button></div>
    <form id="issue-store-token" novalidate>
      <label>${w.token_label} <input name="label" id="store-token-label" maxlength="60" placeholder="Till 1" /></label>
      <button type="submit">${w.token_issue}</button>
    </form>
    <div id="new-store-token" hidden>
      <p class="problem">${w.token_once}</p>
      <code id="new-store-token-text"></code>
      <button type="button" id="copy-store-token" class="secondary">${w.token_copy}</button>
      <figure class="token-qr"><div id="new-store-token-qr"></div><figcaption>${w.token_qr}</figcaption></figure>
    </div>
    <div id="store-token-list"></div>
  </section>`;
}
