import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import { JOIN_RULES, TEAM_SPLITS } from "../../../src/teams/team-campaign.ts";
import { type TeamWords, teamWords } from "../../../src/teams/team-words.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Team red packets view (issue 14), in the page's language
 * (src/teams/team-words.ts), built as the Coupons view is (./console-coupons.ts): the list of
 * campaigns with their figures (drawn by web/client/console/teams-view.ts) and the create/edit
 * form, static, every input named by its API path (`data-path`) so each problem the API lists
 * lands next to its field. Money is typed in yuan and sent as integer fen, the window in local
 * time and sent as epoch ms, the time to complete in hours and sent as seconds
 * (web/client/console/team-form.ts).
 */
export function teamsSection(lang: Lang) {
  const w = teamWords(lang);
  return html`<section id="teams" class="card" lang="${lang}" data-capability="${needs("readSales")}" hidden>
    <div class="toolbar">
      <h2>${w.teams}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#teams">${w.otherLanguage}</a>
      <button type="button" id="new-team-campaign" data-capability="${needs("editSales")}">${w.newCampaign}</button>
      <button type="button" id="refresh-teams" class="secondary">${w.refresh}</button>
      <button type="button" id="close-teams" class="secondary">${w.close}</button>
    </div>
    <div id="team-campaign-list"></div>
  </section>
  ${teamForm(lang, w)}`;
}

function teamForm(lang: Lang, w: TeamWords) {
  return html`<form id="team-editor" class="card" lang="${lang}" data-capability="${needs("editSales")}" novalidate hidden>
    <div class="toolbar"><h2 id="team-editor-title">${w.form_new}</h2><button type="button" id="close-team-editor" class="secondary">${w.cancel}</button></div>
    <div id="team-form-problems" class="problem" hidden></div>
    <fieldset>
      <legend>${w.legend_campaign}</legend>
      <label>${w.f_id} <input name="id" data-path="id" placeholder="double11-team" autocomplete="off" spellcheck="false" /></label>
      <label>${w.f_title} <input name="title" data-path="title" maxlength="200" placeholder="4人瓜分100元" /></label>
    </fieldset>
    <fieldset>
      <legend>${w.legend_packet}</legend>
      <label>${w.f_teamSize} <input name="teamSize" data-path="teamSize" inputmode="numeric" value="4" /></label>
      <label>${w.f_poolAmount} <input name="poolAmount" data-path="poolAmount" inputmode="decimal" placeholder="100" /></label>
      <label>${w.f_split}
        <select name="split" data-path="split">${TEAM_SPLITS.map((s) => html`<option value="${s}">${w[`split_${s}_long`]}</option>`)}</select>
      </label>
      <label>${w.f_completeWithin} <input name="completeWithinHours" data-path="completeWithinSeconds" inputmode="decimal" value="24" /></label>
      <label>${w.f_joinRule}
        <select name="joinRule" data-path="joinRule">${JOIN_RULES.map((r) => html`<option value="${r}">${w[`join_${r}_long`]}</option>`)}</select>
      </label>
    </fieldset>
    <fieldset>
      <legend>${w.legend_when}</legend>
      <label>${w.f_startsAt} <input name="startsAt" data-path="startsAt" type="datetime-local" /></label>
      <label>${w.f_endsAt} <input name="endsAt" data-path="endsAt" type="datetime-local" /></label>
    </fieldset>
    <fieldset>
      <legend>${w.legend_coupon}</legend>
      <label>${w.f_couponValidDays} <input name="couponValidDays" data-path="couponValidDays" inputmode="numeric" value="7" /></label>
      <label>${w.f_couponMinSpend} <input name="couponMinSpend" data-path="couponMinSpend" inputmode="decimal" value="0.00" /></label>
      <label>${w.f_skus} <input name="skus" data-path="appliesTo.skus" autocomplete="off" spellcheck="false" placeholder="earbuds-pro-1111, smartwatch-1111" /></label>
    </fieldset>
    <button type="submit" id="save-team-campaign">${w.save}</button>
  </form>`;
}
