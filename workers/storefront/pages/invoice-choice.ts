import { html } from "hono/html";
import type { Messages } from "../../../src/i18n/messages.ts";

/**
 * The order page's invoice choice (issue 16), part of the pay form: paper, or electronic
 * (double points on the order, no paper). Paper is checked, as the API's default; the choice
 * goes with the pay call (web/client/order-invoice.ts).
 */
export function invoiceChoice(t: Messages) {
  return html`<fieldset class="invoice-choice" id="invoice-choice">
    <legend>${t.invoiceChoice}</legend>
    <label class="invoice-option"><input type="radio" name="invoice" value="paper" checked /> <span>${t.invoicePaper}</span></label>
    <label class="invoice-option"><input type="radio" name="invoice" value="electronic" /> <span>🌱 ${t.invoiceElectronic}</span></label>
  </fieldset>`;
}
