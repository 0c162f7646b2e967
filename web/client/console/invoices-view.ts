import { formatMoney } from "../../../src/money.ts";
import type { AdminApi } from "./admin-api.ts";
import type { AdminInvoiceUploads } from "./api-types.ts";
import { byId, h } from "./dom.ts";

/**
 * The console's "Invoices" view (issue 16): the totals (queued, accepted, refused, points
 * awarded) and the latest uploads — shopper, status, how each was read (QR, PDF, OCR), the
 * refusal's code and reason, points. Read on demand and on Refresh, never polled.
 */
export class InvoicesView {
  private readonly api: AdminApi;
  private asked = 0;

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-invoices").addEventListener("click", () => this.open());
    byId("close-invoices").addEventListener("click", () => this.close());
    byId("refresh-invoices").addEventListener("click", () => void this.refresh());
    byId("invoices-status").addEventListener("change", () => void this.refresh());
  }

  open(): void {
    byId("invoices").hidden = false;
    byId("invoices").scrollIntoView({ behavior: "smooth" });
    void this.refresh();
  }

  close(): void {
    byId("invoices").hidden = true;
    this.asked += 1;
  }

  async refresh(): Promise<void> {
    const turn = ++this.asked;
    const line = byId("invoices-status-line");
    line.textContent = "Loading…";
    const status = byId("invoices-status", HTMLSelectElement).value;
    const result = await this.api.invoiceUploads(status ? `status=${encodeURIComponent(status)}` : "");
    if (turn !== this.asked) return;
    if (!result.ok) {
      line.textContent = `Could not read the invoices: ${result.error.message}`;
      return;
    }
    line.textContent = "";
    this.render(result.data);
  }

  private render({ uploads, totals }: AdminInvoiceUploads): void {
    const figure = (label: string, value: string, key: string) => [h("dt", {}, label), h("dd", { "data-total": key }, value)];
    byId("invoices-totals").replaceChildren(
      ...figure("Queued", String(totals.queued), "queued"),
      ...figure("Accepted", String(totals.accepted), "accepted"),
      ...figure("Refused", String(totals.refused), "refused"),
      ...figure("Points awarded", String(totals.points), "points"),
    );
    if (uploads.length === 0) {
      byId("invoices-table").replaceChildren(h("p", { class: "muted" }, "No uploads."));
      return;
    }
    const head = h(
      "tr",
      {},
      ...["Uploaded", "Shopper", "Status", "Read by", "Invoice", "Amount", "Points", "Refusal"].map((t) => h("th", {}, t)),
    );
    const rows = uploads.map((u) =>
      h(
        "tr",
        { "data-upload": u.id, "data-status": u.status },
        h("td", {}, new Date(u.createdAt).toLocaleString()),
        h("td", {}, u.shopperId),
        h("td", { "data-field": "status" }, u.status),
        h("td", { "data-field": "method" }, u.method?.toUpperCase() ?? "—"),
        h("td", {}, u.invoiceKey ?? "—"),
        h("td", {}, u.amount === null ? "—" : formatMoney(u.amount)),
        h("td", { "data-field": "points" }, String(u.points)),
        h("td", { "data-field": "refusal" }, u.refusal ? `${u.refusal.code}: ${u.refusal.message}` : ""),
      ),
    );
    byId("invoices-table").replaceChildren(h("table", { class: "table" }, h("thead", {}, head), h("tbody", {}, ...rows)));
  }
}
