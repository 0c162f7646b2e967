import { fill } from "../../../src/coupons/coupon-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { type MembershipWords, membershipWords } from "../../../src/membership/membership-words.ts";
import type { AdminApi } from "./admin-api.ts";
import type { PriceProtectionReport } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { money, when } from "./format.ts";

/**
 * The console's Price protection view (issue 16): what the credits cost in total, by SKU and by
 * day (in the shop's time zone), and the newest claims, filtered by SKU, source and days. Read
 * on opening and on "Apply".
 */
export class PriceProtectionView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("price-protection").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly words: MembershipWords = membershipWords(this.lang);
  private readonly filters = byId("price-protection-filters", HTMLFormElement);

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-price-protection").addEventListener("click", () => this.open());
    byId("close-price-protection").addEventListener("click", () => this.close());
    this.filters.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.load();
    });
  }

  open(): void {
    byId("price-protection").hidden = false;
    byId("price-protection").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("price-protection").hidden = true;
    byId("price-protection-report").replaceChildren();
  }

  /** The filters as the API's query: days are the marketer's local days, sent as epoch ms. */
  private query(): string {
    const form = new FormData(this.filters);
    const query = new URLSearchParams();
    const text = (name: string) => String(form.get(name) ?? "").trim();
    if (text("sku")) query.set("sku", text("sku"));
    if (text("source")) query.set("source", text("source"));
    if (text("from")) query.set("from", String(new Date(`${text("from")}T00:00`).getTime()));
    if (text("to")) query.set("to", String(new Date(`${text("to")}T00:00`).getTime() + 86_400_000));
    return query.toString();
  }

  async load(): Promise<void> {
    const w = this.words;
    const out = byId("price-protection-report");
    const result = await this.api.priceProtectionClaims(this.query());
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.couldNotRead, { message: result.error.message })));
    out.replaceChildren(...this.report(result.data));
  }

  private report(report: PriceProtectionReport): Node[] {
    const w = this.words;
    const total = h(
      "p",
      { "data-cell": "total" },
      h("strong", {}, fill(w.totalLine, { claims: report.total.claims, amount: money(report.total.amount).replace("¥", "") })),
    );
    if (report.total.claims === 0) return [total, h("p", { class: "muted" }, w.noClaims)];
    const table = (view: string, headings: string[], rows: Array<Array<string | number>>) =>
      h(
        "table",
        { "data-view": view },
        h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", {}, t)))),
        h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((cell) => h("td", {}, cell))))),
      );
    return [
      total,
      h("h3", {}, w.bySku),
      table(
        "price-protection-by-sku",
        [w.col_sku, w.col_count, w.col_amount],
        report.bySku.map((s) => [s.sku, s.claims, money(s.amount)]),
      ),
      h("h3", {}, `${w.byDay} (${report.timeZone})`),
      table(
        "price-protection-by-day",
        [w.col_day, w.col_count, w.col_amount],
        report.byDay.map((d) => [d.day, d.claims, money(d.amount)]),
      ),
      h("h3", {}, w.claims),
      table(
        "price-protection-claims",
        [w.col_when, w.col_order, w.col_sku, w.col_drop, w.col_units, w.col_amount, w.col_source],
        report.claims.map((c) => [
          when(c.at),
          c.orderId,
          c.sku,
          `${money(c.paidUnitPrice)} → ${money(c.dropPrice)}`,
          c.units,
          money(c.amount),
          c.source === "scan" ? w.source_scan : w.source_shopper,
        ]),
      ),
    ];
  }
}
