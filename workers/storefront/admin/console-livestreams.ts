import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import { EMBED_KINDS } from "../../../src/livestreams/livestream.ts";
import { livestreamWords } from "../../../src/livestreams/livestream-words.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Livestreams view (issue 15), in the page's language
 * (src/livestreams/livestream-words.ts), built as the Coupons and Team red packets views are:
 * the list (drawn by web/client/console/livestreams-view.ts) and the create/edit form, static,
 * every input named by its API path (`data-path`) so each problem the API lists lands next to
 * its field. The window is typed in local time and sent as epoch ms; the coupon templates are
 * picked from the in_store templates (filled in by the script).
 */
export function livestreamsSection(lang: Lang) {
  const w = livestreamWords(lang);
  return html`<section id="livestreams" class="card" lang="${lang}" data-capability="${needs("readSales")}" hidden>
      <div class="toolbar">
        <h2>${w.livestreams}</h2>
        <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#livestreams">${w.otherLanguage}</a>
        <button type="button" id="new-livestream" data-capability="${needs("editSales")}">${w.newLivestream}</button>
        <button type="button" id="refresh-livestreams" class="secondary">${w.refresh}</button>
        <button type="button" id="close-livestreams" class="secondary">${w.close}</button>
      </div>
      <div id="livestream-list"></div>
    </section>
    <form id="livestream-editor" class="card" lang="${lang}" data-capability="${needs("editSales")}" novalidate hidden>
      <div class="toolbar"><h2 id="livestream-editor-title">${w.form_new}</h2><button type="button" id="close-livestream-editor" class="secondary">${w.cancel}</button></div>
      <div id="livestream-form-problems" class="problem" hidden></div>
      <fieldset>
        <legend>${w.legend_livestream}</legend>
        <label>${w.f_id} <input name="id" data-path="id" placeholder="double11-live" autocomplete="off" spellcheck="false" /></label>
        <label>${w.f_title} <input name="title" data-path="title" maxlength="80" placeholder="双11直播间" /></label>
        <label>${w.f_description} <textarea name="description" data-path="description" rows="2" maxlength="500"></textarea></label>
      </fieldset>
      <fieldset>
        <legend>${w.legend_stream}</legend>
        <label>${w.f_streamUrl} <input name="streamUrl" data-path="streamUrl" type="url" placeholder="https://live.example.com/double11.m3u8" autocomplete="off" spellcheck="false" /></label>
        <label>${w.f_embed}
          <select name="embed" data-path="embed">${EMBED_KINDS.map((k) => html`<option value="${k}">${w[`embed_${k}`]}</option>`)}</select>
        </label>
      </fieldset>
      <fieldset>
        <legend>${w.legend_when}</legend>
        <label>${w.f_startsAt} <input name="startsAt" data-path="startsAt" type="datetime-local" /></label>
        <label>${w.f_endsAt} <input name="endsAt" data-path="endsAt" type="datetime-local" /></label>
      </fieldset>
      <fieldset>
        <legend>${w.legend_coupons}</legend>
        <fieldset data-path="couponTemplates"><legend>${w.f_couponTemplates}</legend><div id="livestream-templates" class="picker"></div></fieldset>
        <fieldset data-path="stores"><legend>${w.f_stores}</legend><div id="livestream-stores" class="picker"></div></fieldset>
        <label>${w.f_claimCode} <input name="claimCode" data-path="claimCode" maxlength="12" autocomplete="off" spellcheck="false" placeholder="LIVE88" /></label>
        <label class="inline"><input name="paused" data-path="paused" type="checkbox" /> ${w.f_paused}</label>
      </fieldset>
      <button type="submit" id="save-livestream">${w.save}</button>
    </form>`;
}
