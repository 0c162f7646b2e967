import { format, type Lang } from "../../../src/i18n/messages.ts";
import { type RecWords, recWords } from "../../../src/recs/rec-words.ts";
import type { RecCtrBody, RecModelsBody } from "./recommendation-types.ts";
import type { AdminApi } from "./admin-api.ts";
import { byId, h } from "./dom.ts";
import { when } from "./format.ts";

/** One row of a model's published evaluation (src/recs/model.ts metricsSchema), read loosely: older models may say less. */
interface MetricRow {
  ranker: string;
  recallAtK: number;
  ndcgAtK: number;
}

const percent = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)} %`);

/**
 * The console's Recommendations view (issue 18, part E), in the page's language (src/recs/rec-words.ts): every uploaded model version with its
 * evaluation (recall@10 and NDCG@10 of the model against popularity, the phones-after-phone-views
 * check), the one served, "Activate" per version and "Roll back" (each audited), and the CTR of
 * "Recommended for you" per arm of the `recommendations` experiment with its 95 % interval.
 * Read on opening, on Refresh and after each change.
 */
export class RecommendationsView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("recommendations").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly w: RecWords = recWords(this.lang);

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-recommendations").addEventListener("click", () => this.open());
    byId("close-recs").addEventListener("click", () => this.close());
    byId("refresh-recs").addEventListener("click", () => void this.load());
    byId("rollback-recs").addEventListener("click", () => void this.change(() => this.api.rollbackRecModel(), this.w.rolledBack));
  }

  open(): void {
    byId("recommendations").hidden = false;
    byId("recommendations").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("recommendations").hidden = true;
    byId("recs-models").replaceChildren();
    byId("recs-ctr").replaceChildren();
  }

  async load(): Promise<void> {
    const w = this.w;
    const status = byId("recs-status");
    const [models, ctr] = await Promise.all([this.api.recModels(), this.api.recCtr()]);
    if (!models.ok) {
      status.textContent = format(w.couldNotReadModels, { message: models.error.message });
      return;
    }
    const { active } = models.data;
    status.textContent = active
      ? format(w.serving, { model: active.model, revision: active.revision, since: when(active.activatedAt), by: active.activatedBy }) +
        (active.previous ? format(w.rollbackReturnsTo, { previous: active.previous }) : "")
      : w.noActive;
    byId("rollback-recs", HTMLButtonElement).disabled = !active?.previous;
    byId("recs-models").replaceChildren(this.modelsTable(models.data));
    byId("recs-ctr").replaceChildren(
      ctr.ok ? this.ctrTable(ctr.data) : h("p", {}, format(w.couldNotReadCtr, { message: ctr.error.message })),
    );
  }

  private async change(send: () => Promise<{ ok: boolean; error?: { message: string } }>, done: string): Promise<void> {
    const result = await send();
    await this.load();
    byId("recs-status").prepend(
      result.ok ? format(this.w.done, { done }) : format(this.w.refused, { message: result.error?.message ?? this.w.unknown }),
    );
  }

  private modelsTable({ active, models }: RecModelsBody): Node {
    const w = this.w;
    if (models.length === 0) return h("p", { class: "muted" }, w.noModels);
    const metric = (rows: MetricRow[] | undefined, ranker: string, key: "recallAtK" | "ndcgAtK") => {
      const row = rows?.find((r) => r.ranker === ranker);
      return row ? row[key].toFixed(3) : "–";
    };
    return h(
      "table",
      { class: "recs-models" },
      h(
        "tr",
        {},
        ...[
          w.col_version,
          w.col_trained,
          w.col_shape,
          w.col_recallModel,
          w.col_recallPopularity,
          w.col_ndcgModel,
          w.col_phones,
          w.col_uploaded,
          "",
        ].map((t) => h("th", {}, t)),
      ),
      ...models.map((model) => {
        const metrics = (model.metrics ?? null) as { rows?: MetricRow[]; phonesInTop10AfterThreePhoneViews?: number | null } | null;
        const isActive = active?.model === model.version;
        const activate = h("button", { type: "button", class: "secondary", "data-capability": "editRecs" }, w.activate);
        activate.addEventListener(
          "click",
          () => void this.change(() => this.api.activateRecModel(model.version), format(w.activated, { version: model.version })),
        );
        return h(
          "tr",
          { "data-version": model.version, ...(isActive ? { "data-active": "true" } : {}) },
          h("td", {}, model.version, isActive ? h("strong", {}, w.active) : null),
          h("td", {}, when(model.trainedAt)),
          h("td", {}, `${model.items} × ${model.dims}`),
          h("td", {}, metric(metrics?.rows, "two_tower", "recallAtK")),
          h("td", {}, metric(metrics?.rows, "popularity", "recallAtK")),
          h("td", {}, metric(metrics?.rows, "two_tower", "ndcgAtK")),
          h("td", {}, String(metrics?.phonesInTop10AfterThreePhoneViews ?? "–")),
          h("td", {}, `${when(model.uploadedAt)} · ${model.uploadedBy}`),
          h("td", {}, isActive ? null : activate),
        );
      }),
    );
  }

  private ctrTable(body: RecCtrBody): Node {
    const w = this.w;
    return h(
      "table",
      { class: "recs-ctr" },
      h("tr", {}, ...[w.col_arm, w.col_shown, w.col_taps, w.col_ctr, w.col_interval].map((t) => h("th", {}, t))),
      ...body.arms.map((arm) =>
        h(
          "tr",
          { "data-arm": arm.arm },
          h("td", {}, arm.arm),
          h("td", { "data-role": "impressions" }, String(arm.impressions)),
          h("td", { "data-role": "clicks" }, String(arm.clicks)),
          h("td", { "data-role": "ctr" }, percent(arm.ctr)),
          h("td", {}, arm.low === null ? "–" : `${percent(arm.low)} – ${percent(arm.high)}`),
        ),
      ),
    );
  }
}
