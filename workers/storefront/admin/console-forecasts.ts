import { html } from "hono/html";
import { forecastWords } from "../../../src/forecast/forecast-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { needs } from "./console-coupons.ts";

/**
 * The console's Forecast view (issue 19): each SKU's and category's newest demand forecast,
 * one drawn as a chart with its 80 % and 95 % bands, its backtest and stock recommendation, and
 * "Run now" with the run's progress or error (drawn by web/client/console/forecast-view.ts).
 */
export function forecastsSection(lang: Lang) {
  const w = forecastWords(lang);
  return html`<section id="forecasts" class="card" lang="${lang}" data-capability="${needs("readForecasts")}" hidden>
    <div class="toolbar">
      <h2>${w.forecast}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#forecasts">${w.otherLanguage}</a>
      <button type="button" id="run-forecast" data-capability="${needs("editForecasts")}">${w.runNow}</button>
      <button type="button" id="refresh-forecasts" class="secondary">${w.refresh}</button>
      <button type="button" id="close-forecasts" class="secondary">${w.close}</button>
    </div>
    <p class="muted">${w.intro}</p>
    <p id="forecast-run" role="status"></p>
    <progress id="forecast-progress" max="100" value="0" hidden></progress>
    <p id="forecast-run-error" class="problem" role="alert" hidden></p>
    <div id="forecasts-list" class="sales"></div>
    <div id="forecast-detail" hidden></div>
  </section>`;
}
