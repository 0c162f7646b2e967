import { format } from "../../../src/i18n/messages.ts";
import { type Figures, percent } from "../../../src/store-coupons/figures.ts";
import { type StoreCouponWords, storeCouponWords } from "../../../src/store-coupons/stats-words.ts";
import type { AdminApi, ApiResult } from "./admin-api.ts";
import type { LivestreamReport, StoreCouponReport, StoreReport } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { RedemptionChart } from "./redemption-chart.ts";

/**
 * The console's "Store coupons" view (issue 15): coupons claimed from livestreams and redeemed
 * at stores' tills, the redemption rate, and redemptions over time, for every livestream and
 * store together or for one of either (the Show picker), over the last day by hour or the
 * last 7 or 30 days by day (Shanghai's days, as the API buckets them). Read on demand, never
 * polled: the figures come from Postgres events, not from live counters.
 */

type Period = "24h" | "7d" | "30d";
const PERIODS: Record<Period, { hours: number; bucket: "hour" | "day" }> = {
  "24h": { hours: 24, bucket: "hour" },
  "7d": { hours: 7 * 24, bucket: "day" },
  "30d": { hours: 30 * 24, bucket: "day" },
};

type Shown =
  | { kind: "all"; report: StoreCouponReport }
  | { kind: "livestream"; report: LivestreamReport }
  | { kind: "store"; report: StoreReport };

export class StoreCouponsView {
  private readonly api: AdminApi;
  private readonly w: StoreCouponWords;
  private readonly chart: RedemptionChart;
  /** Bumped by every read: an answer to an older one is dropped. */
  private asked = 0;

  constructor(api: AdminApi) {
    this.api = api;
    this.w = storeCouponWords(byId("store-coupons").lang === "zh-CN" ? "zh-CN" : "en");
    this.chart = new RedemptionChart(byId("store-coupons-chart").querySelector<HTMLElement>(".plot")!, {
      time: this.w.time,
      redeemed: this.w.seriesRedeemed,
    });
    byId("show-store-coupons").addEventListener("click", () => this.open());
    byId("close-store-coupons").addEventListener("click", () => this.close());
    byId("refresh-store-coupons").addEventListener("click", () => void this.refresh());
    byId("store-coupons-period").addEventListener("change", () => void this.refresh());
    byId("store-coupons-focus").addEventListener("change", () => void this.refresh());
    byId("store-coupons-pick").addEventListener("submit", (event) => event.preventDefault());
  }

  open(): void {
    byId("store-coupons").hidden = false;
    byId("store-coupons").scrollIntoView({ behavior: "smooth" });
    void this.refresh();
  }

  close(): void {
    byId("store-coupons").hidden = true;
    this.asked += 1;
    this.chart.clear();
    byId("store-coupons-report").hidden = true;
  }

  /** The window the period picker asks for, as the routes' query. */
  private window(): string {
    const period = PERIODS[byId("store-coupons-period", HTMLSelectElement).value as Period] ?? PERIODS["7d"];
    const to = Date.now();
    return new URLSearchParams({ from: String(to - period.hours * 3_600_000), to: String(to), bucket: period.bucket }).toString();
  }

  /** Every livestream and store (for the picker), then what the picker shows. */
  async refresh(): Promise<void> {
    const turn = ++this.asked;
    const status = byId("store-coupons-status");
    status.textContent = this.w.loading;
    const window = this.window();
    const all = await this.api.storeCouponStats(window);
    if (turn !== this.asked) return;
    if (!all.ok) {
      status.textContent = format(this.w.couldNotRead, { message: all.error.message });
      return;
    }
    const focus = this.fillPicker(all.data);
    const shown = await this.read(focus, all.data, window);
    if (turn !== this.asked) return;
    if (!shown.ok) {
      status.textContent = format(this.w.couldNotRead, { message: shown.error.message });
      return;
    }
    status.textContent = all.data.totals.claimed === 0 && all.data.totals.redeemed === 0 ? this.w.empty : "";
    await this.render(shown.data);
  }

  private async read(focus: string, all: StoreCouponReport, window: string): Promise<ApiResult<Shown>> {
    const [kind, id] = focus.split(":", 2) as [string, string | undefined];
    const as = <K extends Shown["kind"], R>(result: ApiResult<R>, k: K): ApiResult<Shown> =>
      result.ok ? { ...result, data: { kind: k, report: result.data } as Shown } : result;
    if (kind === "livestream" && id) return as(await this.api.livestreamStats(id, window), "livestream");
    if (kind === "store" && id) return as(await this.api.storeStats(id, window), "store");
    return { ok: true, status: 200, data: { kind: "all", report: all } };
  }

  /** The picker's livestreams and stores, keeping the one picked while it is still there; what is picked. */
  private fillPicker(all: StoreCouponReport): string {
    const picker = byId("store-coupons-focus", HTMLSelectElement);
    const picked = picker.value;
    const options = [
      h("option", { value: "all" }, this.w.focus_all),
      ...all.livestreams.map((l) =>
        h("option", { value: `livestream:${l.livestreamId}` }, format(this.w.focus_livestream, { name: l.title ?? l.livestreamId })),
      ),
      ...all.stores.map((s) => h("option", { value: `store:${s.storeId}` }, format(this.w.focus_store, { name: s.name ?? s.storeId }))),
    ];
    picker.replaceChildren(...options);
    picker.value = options.some((o) => o.value === picked) ? picked : "all";
    return picker.value;
  }

  private async render(shown: Shown): Promise<void> {
    const report = byId("store-coupons-report");
    report.hidden = false;
    report.dataset.focus =
      shown.kind === "all" ? "all" : `${shown.kind}:${shown.kind === "livestream" ? shown.report.livestream.id : shown.report.store.id}`;
    this.figures(shown.kind === "all" ? shown.report.totals : shown.report.figures);
    const livestreams = shown.kind === "livestream" ? null : shown.report.livestreams;
    const stores = shown.kind === "store" ? null : shown.report.stores;
    byId("store-coupons-livestreams").replaceChildren(
      ...(livestreams
        ? [
            h("h3", {}, this.w.perLivestream),
            this.table(
              this.w.col_livestream,
              livestreams.map((l) => ({ ...l, key: l.livestreamId, name: l.title ?? l.livestreamId })),
            ),
          ]
        : []),
    );
    byId("store-coupons-stores").replaceChildren(
      ...(stores
        ? [
            h("h3", {}, this.w.perStore),
            this.table(
              this.w.col_store,
              stores.map((s) => ({ ...s, key: s.storeId, name: s.name ?? s.storeId })),
            ),
          ]
        : []),
    );
    const { window, series } = shown.report;
    byId("store-coupons-over-time").textContent = format(this.w.overTime, { zone: window.timeZone });
    await this.chart.draw({
      at: series.map((p) => p.at),
      redeemed: series.map((p) => p.redeemed),
      timeZone: window.timeZone,
      bucket: window.bucket,
    });
  }

  private figures(figures: Figures): void {
    const figure = (field: string, name: string, value: string | number, hint?: string) =>
      h(
        "div",
        { class: "figure", "data-figure": field },
        h("dt", {}, name),
        h("dd", {}, String(value)),
        hint ? h("dd", { class: "muted hint" }, hint) : null,
      );
    byId("store-coupons-figures").replaceChildren(
      figure("claimed", this.w.fig_claimed, figures.claimed),
      figure("redeemed", this.w.fig_redeemed, figures.redeemed),
      figure("rate", this.w.fig_rate, percent(figures.redemptionRate), this.w.fig_rate_hint),
    );
  }

  private table(first: string, rows: ReadonlyArray<Figures & { key: string; name: string }>): HTMLTableElement {
    return h(
      "table",
      { class: "store-coupon-figures" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [first, this.w.col_claimed, this.w.col_redeemed, this.w.col_rate].map((t) => h("th", {}, t)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            { "data-key": row.key },
            h("td", { title: row.key }, row.name),
            h("td", { class: "number" }, row.claimed),
            h("td", { class: "number" }, row.redeemed),
            h("td", { class: "number" }, percent(row.redemptionRate)),
          ),
        ),
      ),
    );
  }
}
