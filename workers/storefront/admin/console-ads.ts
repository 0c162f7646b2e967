import { html } from "hono/html";
import { AD_CAMPAIGN_STATUSES, OFFSITE_CHANNEL_NAMES, PLACEMENTS } from "../../../src/ads/campaign.ts";
import { adWords } from "../../../src/ads/ad-words.ts";
import { TARGET_DEVICES, TARGET_LOCALES } from "../../../src/experiments/experiment-config.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { SEGMENTS } from "../../../src/rfm/segment-names.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Ads view (issue 18, part A), in the page's language (src/ads/ad-words.ts): the
 * campaign list (drawn by web/client/console/ads-view.ts) and the create/edit form, every input
 * named by its API path (`data-path`) so each problem the API lists lands next to its field.
 * Creatives are rows the script adds (web/client/console/ad-campaign-form.ts), each with an
 * upload and a preview at every placement size once rendered.
 */
export function adsSection(lang: Lang) {
  const w = adWords(lang);
  const ticks = (name: string, path: string, values: readonly string[]) =>
    html`<fieldset data-path="${path}" class="inline-group"><legend>${(w as Record<string, string>)[`f_${path.split(".").pop()}`] ?? path}</legend>
      ${values.map((value) => html`<label class="inline"><input type="checkbox" name="${name}" value="${value}" /> ${value}</label>`)}
    </fieldset>`;
  return html`<section id="ads" class="card" lang="${lang}" data-capability="${needs("readAds")}" hidden>
      <div class="toolbar">
        <h2>${w.ads}</h2>
        <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#ads">${w.otherLanguage}</a>
        <button type="button" id="new-ad-campaign" data-capability="${needs("editAds")}">${w.newCampaign}</button>
        <button type="button" id="refresh-ads" class="secondary">${w.refresh}</button>
        <button type="button" id="close-ads" class="secondary">${w.close}</button>
      </div>
      <div id="ad-campaign-list"></div>
    </section>
    <form id="ad-campaign-editor" class="card" lang="${lang}" data-capability="${needs("editAds")}" novalidate hidden>
      <div class="toolbar"><h2 id="ad-campaign-editor-title">${w.form_new}</h2><button type="button" id="close-ad-campaign-editor" class="secondary">${w.cancel}</button></div>
      <div id="ad-campaign-form-problems" class="problem" hidden></div>
      <fieldset>
        <legend>${w.legend_campaign}</legend>
        <label>${w.f_id} <input name="id" data-path="id" placeholder="double11-banner" autocomplete="off" spellcheck="false" /></label>
        <label>${w.f_name} <input name="name" data-path="name" maxlength="80" placeholder="双11 横幅" /></label>
        <label>${w.f_status}
          <select name="status" data-path="status">${AD_CAMPAIGN_STATUSES.map((s) => html`<option value="${s}">${w[`status_${s}`]}</option>`)}</select>
        </label>
      </fieldset>
      <fieldset>
        <legend>${w.legend_when}</legend>
        <label>${w.f_startsAt} <input name="startsAt" data-path="startsAt" type="datetime-local" /></label>
        <label>${w.f_endsAt} <input name="endsAt" data-path="endsAt" type="datetime-local" /></label>
      </fieldset>
      <fieldset>
        <legend>${w.legend_delivery}</legend>
        <label>${w.f_budget} <input name="budget" data-path="budget.impressions" inputmode="numeric" value="10000" /></label>
        ${ticks("placement", "placements", PLACEMENTS)}
        ${ticks("offsite", "offsite", OFFSITE_CHANNEL_NAMES)}
        <label>${w.f_capImpressions} <input name="capImpressions" data-path="frequencyCap.impressions" inputmode="numeric" value="3" /></label>
        <label>${w.f_capHours} <input name="capHours" data-path="frequencyCap.hours" inputmode="numeric" value="24" /></label>
        <label>${w.f_experiment} <input name="experiment" data-path="experiment" autocomplete="off" spellcheck="false" /></label>
      </fieldset>
      <fieldset data-path="targeting">
        <legend>${w.legend_targeting}</legend>
        ${ticks("segment", "targeting.segments", SEGMENTS)}
        ${ticks("device", "targeting.devices", TARGET_DEVICES)}
        ${ticks("locale", "targeting.locales", TARGET_LOCALES)}
      </fieldset>
      <fieldset data-path="creatives">
        <legend>${w.legend_creatives}</legend>
        <div id="ad-creatives"></div>
        <button type="button" id="add-ad-creative" class="secondary">${w.addCreative}</button>
      </fieldset>
      <button type="submit" id="save-ad-campaign">${w.save}</button>
    </form>`;
}
