import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import { SEGMENTS } from "../../../src/rfm/segment-names.ts";
import { sequenceWords } from "../../../src/sequences/sequence-words.ts";
import { TRIGGER_KINDS } from "../../../src/sequences/trigger-kinds.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Follow-ups view (issue 17), in the page's language (src/sequences/sequence-words.ts):
 * the list with each sequence's figures (drawn by web/client/console/follow-ups-view.ts) and the
 * sequence builder. Every input is named by its API path (`data-path`), the steps' too (drawn
 * by the script), so each problem the API lists lands next to its field; beside the steps, a
 * preview of each as shoppers read it, in both languages.
 */
export function followUpsSection(lang: Lang) {
  const w = sequenceWords(lang);
  return html`<section id="follow-ups" class="card" lang="${lang}" data-capability="${needs("readFollowUps")}" hidden>
      <div class="toolbar">
        <h2>${w.followUps}</h2>
        <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#follow-ups">${w.otherLanguage}</a>
        <button type="button" id="new-sequence" data-capability="${needs("editFollowUps")}">${w.newSequence}</button>
        <button type="button" id="refresh-follow-ups" class="secondary">${w.refresh}</button>
        <button type="button" id="close-follow-ups" class="secondary">${w.close}</button>
      </div>
      <div id="sequence-list"></div>
    </section>
    <form id="sequence-editor" class="card" lang="${lang}" data-capability="${needs("editFollowUps")}" novalidate hidden>
      <div class="toolbar"><h2 id="sequence-editor-title">${w.form_new}</h2><button type="button" id="close-sequence-editor" class="secondary">${w.cancel}</button></div>
      <div id="sequence-form-problems" class="problem" hidden></div>
      <fieldset>
        <legend>${w.legend_sequence}</legend>
        <label>${w.f_id} <input name="id" data-path="id" placeholder="first-purchase-7d" autocomplete="off" spellcheck="false" /></label>
        <label>${w.f_name} <input name="name" data-path="name" maxlength="80" placeholder="首购 7 天关怀" /></label>
        <label class="inline"><input name="active" data-path="active" type="checkbox" checked /> ${w.f_active}</label>
      </fieldset>
      <fieldset>
        <legend>${w.legend_trigger}</legend>
        <label>${w.f_kind}
          <select name="kind" data-path="trigger.kind">${TRIGGER_KINDS.map((k) => html`<option value="${k}">${w[`trigger_${k}`].replace(": {segment}", "").replace("：{segment}", "")}</option>`)}</select>
        </label>
        <label>${w.f_segment}
          <select name="segment" data-path="trigger.segment"><option value="">${w.f_none}</option>${SEGMENTS.map((s) => html`<option value="${s}">${s}</option>`)}</select>
        </label>
        <label class="inline"><input name="firstPurchaseOnly" data-path="trigger.firstPurchaseOnly" type="checkbox" /> ${w.f_firstPurchaseOnly}</label>
        <label class="inline"><input name="quiet" type="checkbox" checked /> ${w.f_quiet}</label>
        <label>${w.f_quietStart} <input name="quietStart" data-path="quietHours.start" type="time" value="22:00" /></label>
        <label>${w.f_quietEnd} <input name="quietEnd" data-path="quietHours.end" type="time" value="08:00" /></label>
        <label class="inline"><input name="exitOnPurchase" data-path="exit.onPurchase" type="checkbox" checked /> ${w.f_exitOnPurchase}</label>
        <label class="inline"><input name="exitOnSegmentLeft" data-path="exit.onSegmentLeft" type="checkbox" /> ${w.f_exitOnSegmentLeft}</label>
        <label>${w.f_then} <select name="thenEnrol" data-path="thenEnrol"></select></label>
      </fieldset>
      <fieldset data-path="steps">
        <legend>${w.legend_steps}</legend>
        <p class="muted">${w.placeholders}</p>
        <div id="sequence-steps"></div>
        <button type="button" id="add-sequence-step" class="secondary">${w.addStep}</button>
      </fieldset>
      <button type="submit" id="save-sequence">${w.save}</button>
    </form>`;
}
