import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import { recWords } from "../../../src/recs/rec-words.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Recommendations view (issue 18, part E), in the page's language
 * (src/recs/rec-words.ts): the recommender's model versions with their evaluation, which one is
 * served, activate and roll back, and the click-through rate of "Recommended for you" per arm
 * (drawn by web/client/console/recommendations-view.ts).
 */
export function recommendationsSection(lang: Lang) {
  const w = recWords(lang);
  return html`<section id="recommendations" class="card" lang="${lang}" data-capability="${needs("readRecs")}" hidden>
    <div class="toolbar">
      <h2>${w.recommendations}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#recommendations">${w.otherLanguage}</a>
      <button type="button" id="rollback-recs" data-capability="${needs("editRecs")}">${w.rollBack}</button>
      <button type="button" id="refresh-recs" class="secondary">${w.refresh}</button>
      <button type="button" id="close-recs" class="secondary">${w.close}</button>
    </div>
    <p id="recs-status" class="muted" role="status"></p>
    <h3>${w.modelVersions}</h3>
    <div id="recs-models"></div>
    <h3>${w.ctrPerArm}</h3>
    <div id="recs-ctr"></div>
  </section>`;
}
