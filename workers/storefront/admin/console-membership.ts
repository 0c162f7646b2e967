import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import { membershipWords } from "../../../src/membership/membership-words.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Member tiers view (issue 16): the tiers in force, the form that edits the one
 * tier document (its tiers' fieldsets are drawn by web/client/console/tier-form.ts, every input
 * named by its API path so each problem lands next to its field), and a member lookup.
 */
export function memberTiersSection(lang: Lang) {
  const w = membershipWords(lang);
  return html`<section id="member-tiers" class="card" lang="${lang}" data-capability="${needs("readSales")}" hidden>
      <div class="toolbar">
        <h2>${w.memberTiers}</h2>
        <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#member-tiers">${w.otherLanguage}</a>
        <button type="button" id="edit-member-tiers" data-capability="${needs("editSales")}">${w.edit}</button>
        <button type="button" id="member-tiers-history" class="secondary">${w.history}</button>
        <button type="button" id="member-tiers-audit" class="secondary" data-capability="${needs("readAudit")}">${w.audit}</button>
        <button type="button" id="refresh-member-tiers" class="secondary">${w.refresh}</button>
        <button type="button" id="close-member-tiers" class="secondary">${w.close}</button>
      </div>
      <p class="muted">${w.rule}</p>
      <div id="member-tier-list"></div>
      <form id="member-lookup" class="inline-form" data-capability="${needs("readShoppers")}">
        <label>${w.lookupId} <input name="shopperId" placeholder="shp_…" autocomplete="off" spellcheck="false" required /></label>
        <button type="submit" class="secondary">${w.lookupGo}</button>
      </form>
      <div id="member-lookup-result"></div>
    </section>
    <form id="member-tiers-editor" class="card" lang="${lang}" data-capability="${needs("editSales")}" novalidate hidden>
      <div class="toolbar"><h2 id="member-tiers-editor-title"></h2><button type="button" id="close-member-tiers-editor" class="secondary">${w.cancel}</button></div>
      <div id="member-tiers-form-problems" class="problem" hidden></div>
      <label>${w.f_timeZone} <input name="timeZone" data-path="timeZone" autocomplete="off" spellcheck="false" placeholder="Asia/Shanghai" /></label>
      <div id="member-tier-fieldsets" data-path="tiers"></div>
      <button type="button" id="add-member-tier" class="secondary">${w.addTier}</button>
      <button type="submit" id="save-member-tiers">${w.save}</button>
    </form>`;
}

/** The console's Price protection view (issue 16): the credits paid and their cost, filtered (drawn by web/client/console/price-protection-view.ts). */
export function priceProtectionSection(lang: Lang) {
  const w = membershipWords(lang);
  return html`<section id="price-protection" class="card" lang="${lang}" data-capability="${needs("readSales")}" hidden>
    <div class="toolbar">
      <h2>${w.priceProtection}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#price-protection">${w.otherLanguage}</a>
      <button type="button" id="close-price-protection" class="secondary">${w.close}</button>
    </div>
    <form id="price-protection-filters" class="inline-form">
      <label>${w.f_sku} <input name="sku" autocomplete="off" spellcheck="false" /></label>
      <label>${w.f_source} <select name="source">
        <option value="">${w.anySource}</option><option value="shopper">${w.source_shopper}</option><option value="scan">${w.source_scan}</option>
      </select></label>
      <label>${w.f_from} <input name="from" type="date" /></label>
      <label>${w.f_to} <input name="to" type="date" /></label>
      <button type="submit" class="secondary">${w.apply}</button>
    </form>
    <div id="price-protection-report"></div>
  </section>`;
}
