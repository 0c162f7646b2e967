import { html } from "hono/html";
import { adReportWords } from "../../../src/ads/ad-report-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import type { Capability } from "../../../src/staff/roles.ts";

/**
 * The "Ad report" view's section (issue 18, part B), in the page's language
 * (src/ads/ad-report-words.ts): a campaign's impressions, clicks and CTR per creative and per
 * placement, and its budget spent; filled by web/client/console/ad-report-view.ts. Opened by its
 * nav button (a campaign id to type) or by the Ads view's "Report" button on a campaign.
 */
export function adReportSection(lang: Lang) {
  const needs: Capability = "readAds";
  const w = adReportWords(lang);
  return html`<section id="ad-report" class="card" lang="${lang}" data-capability="${needs}" hidden>
    <div class="toolbar">
      <h2>${w.adReport}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#ad-report">${w.otherLanguage}</a>
      <form id="ad-report-form" class="inline">
        <label>${w.campaign} <input id="ad-report-campaign" name="campaign" required maxlength="40" pattern="[a-z0-9][a-z0-9\\-]{1,39}" autocomplete="off" /></label>
        <button type="submit" class="secondary">${w.show}</button>
      </form>
      <button type="button" id="refresh-ad-report" class="secondary">${w.refresh}</button>
      <button type="button" id="close-ad-report" class="secondary">${w.close}</button>
    </div>
    <p class="muted">${w.intro}</p>
    <p id="ad-report-status" class="muted" role="status"></p>
    <dl id="ad-report-totals" class="figures"></dl>
    <h3>${w.byCreative}</h3>
    <div id="ad-report-creatives"></div>
    <h3>${w.byPlacement}</h3>
    <div id="ad-report-placements"></div>
  </section>`;
}
