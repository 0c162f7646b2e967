import type { AdminSale, OutboxState, SaleConfig } from "./api-types.ts";
import { needs } from "./capabilities.ts";
import { byId, h, type Attrs } from "./dom.ts";
import { money, when } from "./format.ts";
import type { OrderRates } from "./order-rates.ts";
import { LISTED_PHASES, phaseBadge, phaseHeading } from "./phases.ts";

/** What a row's buttons do; the console wires them to the API and the views. */
export interface RowActions {
  edit(sale: SaleConfig): void;
  setPaused(sale: SaleConfig, paused: boolean): void;
  topUp(sale: SaleConfig, input: HTMLInputElement): void;
  history(sale: SaleConfig): void;
  audit(sku: string): void;
  deadLetters(sale: SaleConfig): void;
}

const LIVE_FIELDS = ["sold", "held", "remaining", "rate", "gift", "outbox"] as const;
type LiveCells = Record<(typeof LIVE_FIELDS)[number], string>;

/**
 * The sales, one list per phase, redrawn every refresh. It redraws the lists only when a sale
 * changed phase or version; otherwise it rewrites the live cells alone, so a top-up being
 * typed or a focused button survives the refresh.
 */
export class SalesTable {
  private readonly root = byId("sales");
  private shape = "";
  private readonly rates: OrderRates;
  private readonly actions: RowActions;

  constructor(rates: OrderRates, actions: RowActions) {
    this.rates = rates;
    this.actions = actions;
  }

  /** Empties the lists on signing out: the next person sees only what their own role reads. */
  clear(): void {
    this.shape = "";
    this.root.replaceChildren();
  }

  render(sales: readonly AdminSale[]): void {
    const shape = JSON.stringify(sales.map((e) => [e.sale.sku, e.phase, e.sale.version, e.kvVersion]));
    if (shape === this.shape) {
      for (const entry of sales) this.updateRow(entry);
      return;
    }
    this.shape = shape;
    // A redraw replaces the rows: what was typed into a row's top-up box goes into the new row.
    const typed = new Map<string, string>();
    for (const input of this.root.querySelectorAll<HTMLInputElement>("tr[data-sku] input")) {
      const sku = input.closest<HTMLElement>("tr[data-sku]")?.dataset.sku;
      if (sku && input.value) typed.set(sku, input.value);
    }
    this.root.replaceChildren(
      ...LISTED_PHASES.map((phase) =>
        this.list(
          phase,
          sales.filter((entry) => entry.phase === phase),
        ),
      ),
    );
    for (const [sku, value] of typed) {
      const input = this.rowOf(sku)?.querySelector("input");
      if (input) input.value = value;
    }
  }

  private list(phase: AdminSale["phase"], sales: readonly AdminSale[]): HTMLElement {
    const headings = ["Sale", "Window", "Sold", "Held", "Remaining", "Orders/s", "Gift", "Postgres", ""];
    const body = sales.length
      ? h(
          "div",
          { class: "sales" },
          h(
            "table",
            {},
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                headings.map((t, i) => h("th", { class: i >= 2 && i <= 5 ? "num" : null }, t)),
              ),
            ),
            h(
              "tbody",
              {},
              sales.map((entry) => this.row(entry)),
            ),
          ),
        )
      : h("p", { class: "muted" }, "None");
    return h("section", { class: "card", "data-phase": phase }, h("h2", {}, `${phaseHeading(phase)} (${sales.length})`), body);
  }

  private rowOf(sku: string): HTMLElement | null {
    return this.root.querySelector(`tr[data-sku="${CSS.escape(sku)}"]`);
  }

  private updateRow(entry: AdminSale): void {
    const row = this.rowOf(entry.sale.sku);
    if (!row) return;
    for (const [name, text] of Object.entries(this.liveCells(entry))) {
      const cell = row.querySelector(`[data-field="${name}"]`);
      if (cell) cell.textContent = text;
    }
  }

  /** The live cells of a sale's row: units, orders per second, the gift on offer, Postgres. */
  private liveCells(entry: AdminSale): LiveCells {
    const { sale } = entry;
    const snapshot = entry.live?.snapshot ?? null;
    const stock = snapshot?.stock ?? null;
    const rate = this.rates.of(sale.sku);
    return {
      sold: stock ? String(stock.sold) : "–",
      held: stock ? String(stock.held) : "–",
      remaining: stock ? `${stock.remaining} / ${stock.total}` : `– / ${sale.stock}`,
      rate: rate === undefined ? "…" : rate.toFixed(1),
      gift: snapshot?.gift ? `${snapshot.gift.title} (${snapshot.gift.remaining} left)` : sale.gifts.length ? "not now" : "–",
      outbox: outboxText(entry.live?.outbox ?? null),
    };
  }

  private row(entry: AdminSale): HTMLTableRowElement {
    const { sale, phase } = entry;
    const cells = this.liveCells(entry);
    const lagging = entry.kvVersion !== null && entry.kvVersion < sale.version ? ` · KV at v${entry.kvVersion}` : "";
    const ended = phase === "ended";
    const act = this.actions;
    const topUp = h("input", {
      type: "number",
      min: 1,
      step: 1,
      placeholder: "+ units",
      "aria-label": "units to add",
      ...needs("editSales"),
    });
    const button = (label: string, attrs: Attrs, onclick: () => void) => h("button", { type: "button", ...attrs, onclick }, label);
    return h(
      "tr",
      { "data-sku": sale.sku },
      h(
        "td",
        {},
        h("span", { class: `phase phase-${phase}` }, phaseBadge(phase)),
        " ",
        sale.presale && h("span", { class: "badge presale", "data-presale": "true", title: presaleTitle(sale.presale) }, "Presale 预售"),
        sale.presale && " ",
        h("strong", {}, sale.title),
        h("div", { class: "muted" }, `${sale.sku} · v${sale.version}${lagging} · ${money(sale.listPrice)}`),
      ),
      h(
        "td",
        {},
        sale.presale &&
          h(
            "div",
            { class: "muted", "data-field": "deposit-window" },
            `deposits ${when(sale.presale.depositStartsAt)} → ${when(sale.presale.depositEndsAt)}`,
          ),
        when(sale.startsAt),
        h("br"),
        `→ ${when(sale.endsAt)}`,
        sale.presale &&
          h(
            "div",
            { class: "muted", "data-field": "balance-window" },
            `balance ${when(sale.presale.balanceStartsAt)} → ${when(sale.presale.balanceEndsAt)}`,
          ),
      ),
      (["sold", "held", "remaining", "rate"] as const).map((name) => h("td", { class: "num", "data-field": name }, cells[name])),
      h("td", { "data-field": "gift" }, cells.gift),
      h("td", { "data-field": "outbox" }, cells.outbox),
      h(
        "td",
        {},
        h(
          "div",
          { class: "actions" },
          button("Edit", { class: "secondary", ...needs("editSales") }, () => act.edit(sale)),
          !ended &&
            (sale.paused
              ? button("Resume", { "data-action": "resume", ...needs("editSales") }, () => act.setPaused(sale, false))
              : button("Pause", { "data-action": "pause", ...needs("editSales") }, () => act.setPaused(sale, true))),
          !ended && topUp,
          !ended && button("Top up", { class: "secondary", "data-action": "top-up", ...needs("editSales") }, () => act.topUp(sale, topUp)),
          button("History", { class: "secondary", ...needs("readSales") }, () => act.history(sale)),
          button("Audit", { class: "secondary", ...needs("readAudit") }, () => act.audit(sale.sku)),
          button("Dead letters", { class: "secondary", "data-action": "dead-letters", ...needs("readDeadLetters") }, () =>
            act.deadLetters(sale),
          ),
        ),
      ),
    );
  }
}

/** A presale's terms in a line, for the badge's tooltip. */
function presaleTitle(presale: NonNullable<SaleConfig["presale"]>): string {
  return `deposit ${money(presale.depositPerUnit)} worth ${money(presale.depositWorthPerUnit)}; forfeited deposits are ${presale.forfeit === "refund" ? "refunded" : "kept"}`;
}

/** How the sale's orders stand in Postgres: written, on their way, or refused and parked. */
function outboxText(outbox: OutboxState | null): string {
  if (!outbox) return "–";
  if (outbox.deadLettered > 0) return `⚠ ${outbox.deadLettered} refused`;
  return outbox.pending > 0 ? `${outbox.pending} on the way` : "up to date";
}
