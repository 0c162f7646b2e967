import { html } from "hono/html";
import { boardWords } from "../../../src/advisers/board-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { WEEKDAYS } from "../../../src/stores/weekdays.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's "Response times" view (issue 17): the advisers' response-time board, polled
 * while open (drawn by web/client/console/adviser-board-view.ts), and the form of its business
 * hours and SLA, each input named by its API path so each problem lands next to its field.
 */
export function adviserBoardSection(lang: Lang) {
  const w = boardWords(lang);
  return html`<section id="adviser-board" class="card" lang="${lang}" data-capability="${needs("readAdviserBoard")}" hidden>
      <div class="toolbar">
        <h2>${w.responseTimes}</h2>
        <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#response-times">${w.otherLanguage}</a>
        <label>${w.period} <select id="adviser-board-period">
          <option value="1">${w.period_today}</option>
          <option value="7" selected>${w.period_7d}</option>
          <option value="30">${w.period_30d}</option>
        </select></label>
        <button type="button" id="edit-adviser-board" class="secondary" data-capability="${needs("editAdviserBoard")}">${w.settings}</button>
        <button type="button" id="close-adviser-board" class="secondary">${w.close}</button>
        <span id="adviser-board-status" class="muted" role="status"></span>
      </div>
      <div id="adviser-board-report"></div>
    </section>
    <form id="adviser-board-editor" class="card" lang="${lang}" data-capability="${needs("editAdviserBoard")}" novalidate hidden>
      <div class="toolbar"><h2 id="adviser-board-editor-title"></h2><button type="button" id="close-adviser-board-editor" class="secondary">${w.cancel}</button></div>
      <div id="adviser-board-problems" class="problem" hidden></div>
      <label>${w.f_timeZone} <input name="timeZone" data-path="timeZone" autocomplete="off" spellcheck="false" placeholder="Asia/Shanghai" /></label>
      <label>${w.f_sla} <input name="firstResponseSlaMinutes" data-path="firstResponseSlaMinutes" inputmode="numeric" /></label>
      <fieldset data-path="hours">
        ${WEEKDAYS.map(
          (day) =>
            html`<label>${w.f_day.replace("{day}", w[`day_${day}`])} <input name="hours.${day}" data-path="hours.${day}" autocomplete="off" spellcheck="false" /></label>`,
        )}
      </fieldset>
      <button type="submit">${w.save}</button>
    </form>`;
}
