import { html } from "hono/html";
import { PRIMARY_METRICS, SHOPPER_KINDS, TARGET_DEVICES, TARGET_LOCALES } from "../../../src/experiments/experiment-config.ts";
import { SURFACE_NAMES } from "../../../src/experiments/surfaces.ts";
import type { Capability } from "../../../src/staff/roles.ts";

/**
 * The console's experiments (issue 13): the create/edit form, static like the sale form, so
 * every problem the API lists lands next to its field (`data-path`). The variants' rows are
 * the chosen surface's, drawn by the script (web/client/console/experiment-form.ts): a
 * marketer names and weighs them but cannot ask a page for a variant it does not draw.
 */
export function experimentForm() {
  return html`<form id="experiment-editor" class="card" data-capability="${needs("editExperiments")}" novalidate hidden>
    <div class="toolbar"><h2 id="experiment-editor-title">New experiment</h2><button type="button" id="close-experiment-editor" class="secondary">Cancel</button></div>
    <div id="experiment-form-problems" class="problem" hidden></div>
    <fieldset>
      <legend>Experiment</legend>
      <label>Key <input name="key" data-path="key" placeholder="buy-button-red-vs-blue" /></label>
      <label>Name <input name="name" data-path="name" maxlength="120" /></label>
      <label>Description <textarea name="description" data-path="description" rows="2"></textarea></label>
      <label>Surface (what it changes on the storefront)
        <select name="surface" data-path="surface">${SURFACE_NAMES.map((s) => html`<option value="${s}">${SURFACE_LABELS[s]}</option>`)}</select>
      </label>
      <label>Primary metric
        <select name="primaryMetric" data-path="primaryMetric">${PRIMARY_METRICS.map((m) => html`<option value="${m}">${METRIC_LABELS[m]}</option>`)}</select>
      </label>
    </fieldset>
    <fieldset data-path="variants">
      <legend>Variants: the first is the control; weights are shares of new shoppers (50/50 is 1/1), and a change moves nobody already assigned</legend>
      <table>
        <thead><tr><th>Variant</th><th>Name</th><th>Weight</th></tr></thead>
        <tbody id="experiment-variants"></tbody>
      </table>
    </fieldset>
    <fieldset data-path="targeting">
      <legend>Who takes part: tick nothing in a row for everyone</legend>
      ${checkboxes("shoppers", "Shoppers", SHOPPER_KINDS, { new: "new (never paid)", returning: "returning (paid before)" })}
      ${checkboxes("devices", "Devices", TARGET_DEVICES, {})}
      ${checkboxes("locales", "Languages", TARGET_LOCALES, { "zh-CN": "中文", en: "English" })}
    </fieldset>
    <button type="submit" id="save-experiment">Save</button>
  </form>`;
}

const SURFACE_LABELS: Record<(typeof SURFACE_NAMES)[number], string> = {
  countdown: "Sale page countdown (canvas or static)",
  buy_button: "Buy button colour (red or blue)",
  promo_label: "Promotion wording (立减 or 折)",
  loading: "Loading animation (spinner or skeleton)",
  ad_creative: "Ad creative (a, b, c or d of the campaign naming this experiment)",
};

const METRIC_LABELS: Record<(typeof PRIMARY_METRICS)[number], string> = {
  checkout: "Conversion to checkout (an order placed)",
  payment: "Conversion to payment (an order paid)",
  revenue: "Revenue per shopper (paid, yuan)",
};

function checkboxes(name: string, legend: string, values: readonly string[], labels: Record<string, string>) {
  return html`<div class="inline-group" data-path="targeting.${name}"><span>${legend}:</span>
    ${values.map((value) => html`<label class="inline"><input type="checkbox" name="${name}" value="${value}" /> ${labels[value] ?? value}</label>`)}
  </div>`;
}

function needs(capability: Capability): Capability {
  return capability;
}
