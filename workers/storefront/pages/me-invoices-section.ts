import { html } from "hono/html";
import type { Messages } from "../../../src/i18n/messages.ts";

/**
 * /me's "Invoices for points" section (issue 16): a file picker that on a phone offers the
 * camera (`accept="image/*,application/pdf"`), the upload's progress, and each upload with
 * its status, points or refusal. Filled by web/client/me-invoices.ts.
 */
export function invoicesSection(t: Messages) {
  return html`<section class="card invoices" id="invoices" aria-labelledby="invoices-title" data-state="idle">
    <h2 id="invoices-title">${t.invoicesTitle}</h2>
    <p class="meta">${t.invoicesIntro}</p>
    <label class="button invoice-upload" for="invoice-file">${t.invoicesUpload}</label>
    <input type="file" id="invoice-file" class="invoice-file" accept="image/*,application/pdf" />
    <progress id="invoice-progress" max="100" value="0" hidden></progress>
    <p id="invoice-message" role="status"></p>
    <ul class="invoice-list" id="invoice-list"></ul>
  </section>`;
}
