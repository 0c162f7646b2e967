import { html } from "hono/html";
import { type Lang, messages } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";

/**
 * The store finder (issue 15): a shell, like the team pages. What it lists depends on where the
 * shopper is and on the time of day, so it is never cached; its script
 * (web/client/stores.page.ts) asks for the location when the shopper taps "use my location"
 * (or at once when the browser already allows it) and falls back to the city picker.
 */
export function storesPage(lang: Lang): Markup {
  const t = messages(lang);
  return html`<article class="stores card" id="stores-finder">
    <!-- Part D of issue 15 (the geofence) mounts its "offers near me" opt-in here: keep it first and empty. -->
    <section id="near-me"></section>
    <h1>${t.storesTitle}</h1>
    <p>${t.storesIntro}</p>
    <div class="finder-actions">
      <button type="button" id="use-location" hidden>${t.storesUseLocation}</button>
      <label>${t.storesCity}
        <select id="city-picker"><option value="">${t.storesAllCities}</option></select>
      </label>
    </div>
    <p class="status" id="stores-status" role="status">${t.loading}</p>
    <ol class="store-list" id="store-list"></ol>
    <p class="message" id="message" role="alert"></p>
  </article>`;
}
