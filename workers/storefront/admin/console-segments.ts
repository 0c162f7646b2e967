import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import { segmentWords } from "../../../src/rfm/segment-words.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Segments view (issue 17): each RFM segment's size and change since the run
 * before, who moved, a run now, a segment's CSV, a shopper's scores and the score map (drawn by
 * web/client/console/segments-view.ts).
 */
export function segmentsSection(lang: Lang) {
  const w = segmentWords(lang);
  return html`<section id="segments" class="card" lang="${lang}" data-capability="${needs("readSegments")}" hidden>
    <div class="toolbar">
      <h2>${w.segments}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#segments">${w.otherLanguage}</a>
      <button type="button" id="run-segments" data-capability="${needs("runSegments")}">${w.runNow}</button>
      <button type="button" id="refresh-segments" class="secondary">${w.refresh}</button>
      <button type="button" id="close-segments" class="secondary">${w.close}</button>
    </div>
    <p id="segments-status" class="muted" role="status"></p>
    <div id="segments-report"></div>
    <form id="segment-lookup" class="inline-form" data-capability="${needs("readShoppers")}">
      <label>${w.lookupId} <input name="shopperId" placeholder="shp_…" autocomplete="off" spellcheck="false" required /></label>
      <button type="submit" class="secondary">${w.lookupGo}</button>
    </form>
    <p id="segment-lookup-result"></p>
  </section>`;
}
