import { type AdReportWords, adReportWords } from "../../../src/ads/ad-report-words.ts";
import type { AdCampaignReport, CtrFigures } from "../../../src/ads/ctr.ts";
import { format, type Lang } from "../../../src/i18n/messages.ts";
import type { AdminApi } from "./admin-api.ts";
import { byId, h } from "./dom.ts";

/**
 * The console's "Ad report" view (issue 18, part B), in the page's language (src/ads/ad-report-words.ts): one campaign's impressions, clicks and
 * click-through rate per creative and per placement, with the 95 % interval, and its budget
 * spent. Read on demand and on Refresh, never polled. The Ads view's "Report" button opens it
 * on a campaign with one line, without importing this view:
 * `document.dispatchEvent(new CustomEvent(OPEN_AD_REPORT, { detail: campaignId }))`.
 */
/** The event that opens the report on a campaign (`detail`: the campaign's id). */
export const OPEN_AD_REPORT = "open-ad-report";

export class AdReportView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("ad-report").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly w: AdReportWords = adReportWords(this.lang);
  private asked = 0;

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-ad-report").addEventListener("click", () => this.open());
    byId("close-ad-report").addEventListener("click", () => this.close());
    byId("refresh-ad-report").addEventListener("click", () => void this.refresh());
    document.addEventListener(OPEN_AD_REPORT, (event) => {
      const id = (event as CustomEvent<unknown>).detail;
      if (typeof id === "string") this.open(id);
    });
    byId("ad-report-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.refresh();
    });
  }

  /** Shows the view, and the report of `campaignId` when one is given. */
  open(campaignId?: string): void {
    if (campaignId) byId("ad-report-campaign", HTMLInputElement).value = campaignId;
    byId("ad-report").hidden = false;
    byId("ad-report").scrollIntoView({ behavior: "smooth" });
    if (byId("ad-report-campaign", HTMLInputElement).value) void this.refresh();
  }

  close(): void {
    byId("ad-report").hidden = true;
    this.asked += 1;
  }

  async refresh(): Promise<void> {
    const id = byId("ad-report-campaign", HTMLInputElement).value.trim();
    if (!id) return;
    const turn = ++this.asked;
    const line = byId("ad-report-status");
    line.textContent = this.w.loading;
    const result = await this.api.adCampaignReport(id);
    if (turn !== this.asked) return;
    if (!result.ok) {
      line.textContent = format(this.w.couldNotRead, { message: result.error.message });
      for (const part of ["ad-report-totals", "ad-report-creatives", "ad-report-placements"]) byId(part).replaceChildren();
      return;
    }
    line.textContent = `${result.data.name} (${result.data.campaignId})`;
    line.dataset.campaign = result.data.campaignId;
    this.render(result.data);
  }

  private render(report: AdCampaignReport): void {
    const figure = (label: string, value: string, key: string) => [h("dt", {}, label), h("dd", { "data-total": key }, value)];
    const { total, budget } = report;
    const w = this.w;
    byId("ad-report-totals").replaceChildren(
      ...figure(w.impressions, String(total.impressions), "impressions"),
      ...figure(w.clicks, String(total.clicks), "clicks"),
      ...figure(w.ctr, rate(total), "ctr"),
      ...figure(w.budgetSpent, `${budget.spent ?? "?"} / ${budget.impressions}`, "budget"),
    );
    byId("ad-report-creatives").replaceChildren(
      table(
        w,
        [w.col_creative, w.col_variant, w.col_headline, w.impressions, w.clicks, w.col_ctrInterval],
        report.creatives.map((c) => ({
          key: c.creativeId,
          cells: [c.creativeId, c.variant ?? "—", c.headline ? `${c.headline["zh-CN"]} / ${c.headline.en}` : w.removed],
          figures: c,
        })),
      ),
    );
    byId("ad-report-placements").replaceChildren(
      table(
        w,
        [w.col_placement, w.impressions, w.clicks, w.col_ctrInterval],
        report.placements.map((p) => ({ key: p.placement, cells: [p.placement], figures: p })),
      ),
    );
  }
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function rate(f: CtrFigures): string {
  if (f.ctr === null) return "—";
  return `${percent(f.ctr)} [${percent(f.low!)}, ${percent(f.high!)}]`;
}

function table(w: AdReportWords, headings: string[], rows: Array<{ key: string; cells: string[]; figures: CtrFigures }>): HTMLElement {
  if (rows.length === 0) return h("p", { class: "muted" }, w.noImpressions);
  const head = h("tr", {}, ...headings.map((t) => h("th", {}, t)));
  const body = rows.map((row) =>
    h(
      "tr",
      { "data-row": row.key },
      ...row.cells.map((cell) => h("td", {}, cell)),
      h("td", { "data-field": "impressions" }, String(row.figures.impressions)),
      h("td", { "data-field": "clicks" }, String(row.figures.clicks)),
      h("td", { "data-field": "ctr" }, rate(row.figures)),
    ),
  );
  return h("table", { class: "table" }, h("thead", {}, head), h("tbody", {}, ...body));
}
