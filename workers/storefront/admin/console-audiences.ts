import { html } from "hono/html";
import { audienceWords } from "../../../src/audiences/audience-words.ts";
import { SEGMENTS } from "../../../src/rfm/segment-names.ts";
import { segmentWords } from "../../../src/rfm/segment-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Audiences view (issue 18): create a lookalike audience from a seed, watch it
 * build, download its hashed custom-audience CSV (drawn by web/client/console/audiences-view.ts).
 */
export function audiencesSection(lang: Lang) {
  const w = audienceWords(lang);
  const s = segmentWords(lang);
  return html`<section id="audiences" class="card" lang="${lang}" data-capability="${needs("readAudiences")}" hidden>
    <div class="toolbar">
      <h2>${w.audiences}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#audiences">${w.otherLanguage}</a>
      <button type="button" id="refresh-audiences" class="secondary">${w.refresh}</button>
      <button type="button" id="close-audiences" class="secondary">${w.close}</button>
    </div>
    <p class="muted">${w.intro}</p>
    <form id="audience-form" data-capability="${needs("editAudiences")}">
      <label>${w.name} <input name="name" required maxlength="80" autocomplete="off" /></label>
      <label>${w.seedKind}
        <select name="kind">
          <option value="segment">${w.kind_segment}</option>
          <option value="sku">${w.kind_sku}</option>
          <option value="list">${w.kind_list}</option>
        </select>
      </label>
      <label data-seed="segment">${w.segment}
        <select name="segment">${SEGMENTS.map((segment) => html`<option value="${segment}">${s.segment[segment]}</option>`)}</select>
      </label>
      <label data-seed="sku" hidden>${w.sku} <input name="sku" autocomplete="off" spellcheck="false" /></label>
      <label data-seed="list" hidden>${w.list} <textarea name="list" rows="4" spellcheck="false"></textarea></label>
      <label>${w.percent} <input name="percent" type="number" min="1" max="10" step="0.1" value="1" required /></label>
      <button type="submit">${w.create}</button>
    </form>
    <p id="audiences-status" class="muted" role="status"></p>
    <ul id="audience-problems"></ul>
    <div id="audiences-list"></div>
    <p class="muted">${w.exportNote}</p>
  </section>`;
}
