import { format, type Lang } from "../../../src/i18n/messages.ts";
import { type SegmentWords, segmentWords } from "../../../src/rfm/segment-words.ts";
import type { AdminApi } from "./admin-api.ts";
import { byId, h } from "./dom.ts";
import { money, when } from "./format.ts";
import type { SegmentOverview } from "./segment-types.ts";

/**
 * The console's Segments view (issue 17): each RFM segment's size after the last run and its
 * change since the run before, with a CSV of each; who moved from where to where; "Run now"
 * (one Idempotency-Key per click); a shopper's scores; and the score map. Read on opening, on
 * Refresh and after a run.
 */
export class SegmentsView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("segments").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly w: SegmentWords = segmentWords(this.lang);

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-segments").addEventListener("click", () => this.open());
    byId("close-segments").addEventListener("click", () => this.close());
    byId("refresh-segments").addEventListener("click", () => void this.load());
    byId("run-segments").addEventListener("click", () => void this.runNow());
    byId("segment-lookup", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      void this.lookup();
    });
  }

  open(): void {
    byId("segments").hidden = false;
    byId("segments").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("segments").hidden = true;
    byId("segments-report").replaceChildren();
    byId("segment-lookup-result").textContent = "";
  }

  async load(): Promise<void> {
    const status = byId("segments-status");
    const result = await this.api.segments();
    if (!result.ok) {
      status.textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    const { latest } = result.data;
    status.textContent = latest
      ? format(this.w.lastRun, {
          when: when(latest.startedAt),
          trigger: latest.trigger === "schedule" ? this.w.trigger_schedule : this.w.trigger_manual,
          actor: latest.actor,
          shoppers: latest.shoppers,
          seconds: latest.finishedAt === null ? "–" : ((latest.finishedAt - latest.startedAt) / 1000).toFixed(1),
          hours: result.data.intervalHours,
          days: result.data.windowDays,
        })
      : this.w.noRun;
    byId("segments-report").replaceChildren(...this.report(result.data));
  }

  private async runNow(): Promise<void> {
    const button = byId("run-segments", HTMLButtonElement);
    const status = byId("segments-status");
    button.disabled = true;
    status.textContent = this.w.running;
    const result = await this.api.runSegments(crypto.randomUUID());
    button.disabled = false;
    if (!result.ok) {
      status.textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    await this.load();
    byId("segments-status").prepend(`${format(this.w.ranLine, { shoppers: result.data.run.shoppers, triggers: result.data.triggers })} `);
  }

  private async exportCsv(segment: string): Promise<void> {
    const result = await this.api.segmentCsv(segment);
    if (!result.ok) {
      byId("segments-status").textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    const url = URL.createObjectURL(result.data.blob);
    const link = h("a", { href: url, download: result.data.filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private async lookup(): Promise<void> {
    const out = byId("segment-lookup-result");
    const id = String(new FormData(byId("segment-lookup", HTMLFormElement)).get("shopperId") ?? "").trim();
    const result = await this.api.segmentScores(id);
    if (!result.ok) {
      out.textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    const s = result.data;
    out.textContent = format(this.w.scoresLine, {
      segment: this.w.segment[s.segment],
      r: s.r,
      f: s.f,
      m: s.m,
      days: s.recencyDays,
      frequency: s.frequency,
      money: money(s.monetary),
      previous: s.previousSegment ? this.w.segment[s.previousSegment] : this.w.none,
    });
  }

  private report(overview: SegmentOverview): Node[] {
    const w = this.w;
    const name = (segment: string | null) =>
      segment === null ? w.firstScored : (w.segment[segment as keyof SegmentWords["segment"]] ?? segment);
    const change = (n: number | null) => (n === null ? "–" : n > 0 ? `+${n}` : String(n));
    const sizes = h(
      "table",
      { "data-view": "segment-sizes" },
      h(
        "thead",
        {},
        h("tr", {}, h("th", {}, w.col_segment), h("th", {}, w.col_shoppers), h("th", {}, w.col_change), h("th", {}, w.col_export)),
      ),
      h(
        "tbody",
        {},
        ...overview.segments.map((s) =>
          h(
            "tr",
            { "data-segment": s.segment },
            h("td", {}, w.segment[s.segment]),
            h("td", { "data-cell": "shoppers" }, s.shoppers),
            h("td", { "data-cell": "change" }, change(s.change)),
            h(
              "td",
              {},
              h(
                "button",
                { type: "button", class: "secondary", "data-export": s.segment, onclick: () => void this.exportCsv(s.segment) },
                w.exportCsv,
              ),
            ),
          ),
        ),
      ),
    );
    const moves = overview.latest?.movement ?? [];
    const movement = moves.length
      ? h(
          "table",
          { "data-view": "segment-movement" },
          h("thead", {}, h("tr", {}, h("th", {}, w.col_from), h("th", {}, w.col_to), h("th", {}, w.col_shoppers))),
          h("tbody", {}, ...moves.map((m) => h("tr", {}, h("td", {}, name(m.from)), h("td", {}, name(m.to)), h("td", {}, m.shoppers)))),
        )
      : h("p", { class: "muted" }, w.noMovement);
    const grid = h(
      "table",
      { "data-view": "segment-grid" },
      h("thead", {}, h("tr", {}, h("th", {}, "R \\ FM"), ...[1, 2, 3, 4, 5].map((fm) => h("th", {}, fm)))),
      h(
        "tbody",
        {},
        ...[...overview.grid]
          .reverse()
          .map((row, i) => h("tr", {}, h("th", {}, 5 - i), ...row.map((segment) => h("td", {}, w.segment[segment])))),
      ),
    );
    return [sizes, h("h3", {}, w.movement), movement, h("h3", {}, w.gridTitle), grid];
  }
}
