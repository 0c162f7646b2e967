import type { AdminApi } from "./admin-api.ts";
import type { OrderRefund, PointsStatement } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { money, when } from "./format.ts";

/**
 * The console's "Points & refunds" view (issue 16): look a shopper's points up (balance, held,
 * lapsing soon, the latest ledger rows), and refund an order (amount in yuan, units, reason),
 * with its refunds listed. Each refund is sent with an Idempotency-Key made when the form is
 * filled in, so a double click or a retry of the same figures refunds once; a refusal (more than is left, an order not
 * paid) is shown as the API words it, with what is left.
 */
export class PointsRefundsView {
  private readonly api: AdminApi;
  /** The key of the refund being filled in: kept while the form is unchanged (a second click is a replay), new once it changes. */
  private refundKey = crypto.randomUUID();

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-points").addEventListener("click", () => this.open());
    byId("close-points").addEventListener("click", () => this.close());
    byId("points-lookup").addEventListener("submit", (event) => {
      event.preventDefault();
      const id = byId("points-shopper-id", HTMLInputElement).value.trim();
      if (id) void this.lookUp(id);
    });
    byId("refund-form").addEventListener("input", () => {
      this.refundKey = crypto.randomUUID(); // other figures: another refund
    });
    byId("refund-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.refund();
    });
    byId("refund-list").addEventListener("click", () => {
      const id = byId("refund-order-id", HTMLInputElement).value.trim();
      if (id) void this.listRefunds(id);
    });
  }

  open(): void {
    byId("points-refunds").hidden = false;
    byId("points-refunds").scrollIntoView({ behavior: "smooth" });
  }

  close(): void {
    byId("points-refunds").hidden = true;
  }

  async lookUp(id: string): Promise<void> {
    const out = byId("points-result");
    out.replaceChildren(h("p", { class: "muted" }, `Looking up ${id}…`));
    const result = await this.api.shopperPoints(id);
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem", "data-view": "points-problem" }, result.error.message));
    out.replaceChildren(statementView(result.data));
  }

  async refund(): Promise<void> {
    const out = byId("refund-result");
    const orderId = byId("refund-order-id", HTMLInputElement).value.trim();
    const yuan = Number(byId("refund-amount", HTMLInputElement).value);
    const units = Number(byId("refund-units", HTMLInputElement).value || 0);
    const reason = byId("refund-reason", HTMLSelectElement).value;
    const amount = Math.round(yuan * 100);
    out.replaceChildren(h("p", { class: "muted" }, "Refunding…"));
    const result = await this.api.refundOrder(orderId, { amount, units, reason }, this.refundKey);
    // The API's message names what is left to refund.
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem", "data-view": "refund-problem" }, result.error.message));
    out.replaceChildren(
      h("p", { "data-view": "refund-done" }, `Refunded ${money(result.data.refund.amount)} of ${orderId} (${result.data.refund.id}).`),
    );
    await this.listRefunds(orderId);
  }

  async listRefunds(orderId: string): Promise<void> {
    const out = byId("refunds-of-order");
    const result = await this.api.orderRefunds(orderId);
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, result.error.message));
    out.replaceChildren(refundsTable(result.data.refunds));
  }
}

function statementView(statement: PointsStatement): HTMLElement {
  return h(
    "div",
    { "data-view": "points-statement" },
    h(
      "p",
      {},
      "Balance ",
      h("strong", { "data-field": "balance" }, statement.balance),
      ` points (${money(Math.max(0, statement.balance))}) · held `,
      h("strong", { "data-field": "held" }, statement.held),
    ),
    statement.expiringSoon.length
      ? h(
          "p",
          { class: "muted" },
          `Lapsing within 30 days: ${statement.expiringSoon.map((s) => `${s.points} on ${when(s.expiresAt)}`).join(", ")}`,
        )
      : null,
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["When", "Points", "Reason", "Order", "Lapses"].map((t) => h("th", {}, t)),
        ),
      ),
      h(
        "tbody",
        {},
        statement.entries.map((e) =>
          h(
            "tr",
            { "data-reason": e.reason },
            h("td", {}, when(e.at)),
            h("td", { class: "num" }, e.amount > 0 ? `+${e.amount}` : e.amount),
            h("td", {}, e.reason),
            h("td", {}, e.orderId ?? "–"),
            h("td", {}, when(e.expiresAt)),
          ),
        ),
      ),
    ),
  );
}

function refundsTable(refunds: OrderRefund[]): HTMLElement {
  if (refunds.length === 0) return h("p", { class: "muted" }, "No refunds.");
  return h(
    "table",
    { "data-view": "refunds" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["When", "Amount", "Units", "Reason", "By"].map((t) => h("th", {}, t)),
      ),
    ),
    h(
      "tbody",
      {},
      refunds.map((r) =>
        h(
          "tr",
          {},
          h("td", {}, when(r.at)),
          h("td", { class: "num" }, money(r.amount)),
          h("td", { class: "num" }, r.units),
          h("td", {}, r.reason),
          h("td", {}, r.actor),
        ),
      ),
    ),
  );
}
