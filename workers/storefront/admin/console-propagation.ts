import { html } from "hono/html";
import type { Lang } from "../../../src/i18n/messages.ts";
import { propagationWords } from "../../../src/propagation/propagation-words.ts";
import type { Capability } from "../../../src/staff/roles.ts";

/**
 * The console's Propagation view (issue 14), in the page's language
 * (src/propagation/propagation-words.ts): a campaign picker, its figures, the top spreaders
 * and its graph, drawn by web/client/console/propagation-view.ts with cytoscape (pan, zoom,
 * node size by the shoppers each brought). The legend is static here; its swatches are CSS
 * classes (no inline style under the console's CSP).
 */
export function propagationSection(lang: Lang) {
  const w = propagationWords(lang);
  return html`<section id="propagation" class="card" lang="${lang}" data-capability="${needs("readSales")}" hidden>
    <div class="toolbar">
      <h2>${w.propagation}</h2>
      <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}#propagation">${w.otherLanguage}</a>
      <button type="button" id="refresh-propagation" class="secondary">${w.refresh}</button>
      <button type="button" id="close-propagation" class="secondary">${w.close}</button>
    </div>
    <form id="propagation-pick" class="inline-form">
      <label>${w.campaign} <select id="propagation-campaign" name="campaign"></select></label>
      <button type="submit">${w.pick}</button>
    </form>
    <p id="propagation-status" class="muted" role="status"></p>
    <div id="propagation-report" hidden>
      <p id="propagation-notes" class="muted"></p>
      <dl id="propagation-figures" class="figures"></dl>
      <h3>${w.graph}</h3>
      <p class="muted">${w.graphHint}</p>
      <div class="graph-tools">
        <button type="button" id="graph-zoom-in" class="secondary" aria-label="${w.zoomIn}">+</button>
        <button type="button" id="graph-zoom-out" class="secondary" aria-label="${w.zoomOut}">−</button>
        <button type="button" id="graph-fit" class="secondary">${w.fit}</button>
      </div>
      <div id="propagation-graph" class="graph" role="img" aria-label="${w.graph}"></div>
      <ul class="graph-legend" aria-label="${w.legend}">
        <li><span class="swatch line tree"></span>${w.legend_tree}</li>
        <li><span class="swatch line touch"></span>${w.legend_touch}</li>
        <li><span class="swatch dot visit"></span>${w.legend_visit}</li>
        <li><span class="swatch dot join"></span>${w.legend_join}</li>
        <li><span class="swatch dot order"></span>${w.legend_order}</li>
        <li><span class="swatch node"></span>${w.legend_size}</li>
      </ul>
      <h3>${w.topSpreaders}</h3>
      <div id="propagation-spreaders"></div>
    </div>
  </section>`;
}

function needs(capability: Capability): Capability {
  return capability;
}
