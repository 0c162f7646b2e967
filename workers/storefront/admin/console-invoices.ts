import { html } from "hono/html";
import type { Capability } from "../../../src/staff/roles.ts";

/**
 * The Invoices view's section (issue 16): totals, a status filter and the uploads' table,
 * filled by web/client/console/invoices-view.ts.
 */
export function invoicesSection() {
  const needs: Capability = "readShoppers";
  return html`<section id="invoices" class="card" data-capability="${needs}" hidden>
    <div class="toolbar">
      <h2>Invoices</h2>
      <label>Status
        <select id="invoices-status">
          <option value="">all</option>
          <option value="queued">queued</option>
          <option value="accepted">accepted</option>
          <option value="refused">refused</option>
        </select>
      </label>
      <button type="button" id="refresh-invoices" class="secondary">Refresh</button>
      <button type="button" id="close-invoices" class="secondary">Close</button>
    </div>
    <p class="muted">Invoices shoppers uploaded for points: read by their QR code (in the Worker), a PDF's text layer, or OCR (the reader); 1 point per ¥10 before tax, at most 200, once per invoice.</p>
    <p id="invoices-status-line" class="muted" role="status"></p>
    <dl id="invoices-totals" class="figures"></dl>
    <div id="invoices-table"></div>
  </section>`;
}
