import { type AudienceWords, audienceWords } from "../../../src/audiences/audience-words.ts";
import { format, type Lang } from "../../../src/i18n/messages.ts";
import type { AdminApi } from "./admin-api.ts";
import type { AudienceView } from "./audience-types.ts";
import { byId, h } from "./dom.ts";
import { when } from "./format.ts";

/** How often the list is read again while an audience is queued or building. */
const POLL_MS = 1_500;

/**
 * The console's Audiences view (issue 18): the create form (seed kind and source, percent), the
 * audiences with their status, progress and size, and each built one's hashed CSV. Read on
 * opening, on Refresh, after a create, and every 1.5 s while one is building.
 */
export class AudiencesView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("audiences").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly w: AudienceWords = audienceWords(this.lang);
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-audiences").addEventListener("click", () => this.open());
    byId("close-audiences").addEventListener("click", () => this.close());
    byId("refresh-audiences").addEventListener("click", () => void this.load());
    const form = byId("audience-form", HTMLFormElement);
    form.addEventListener("change", () => this.showSeedFields());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.create();
    });
  }

  open(): void {
    byId("audiences").hidden = false;
    byId("audiences").scrollIntoView({ behavior: "smooth" });
    this.showSeedFields();
    void this.load();
  }

  close(): void {
    clearTimeout(this.timer);
    byId("audiences").hidden = true;
    byId("audiences-list").replaceChildren();
    byId("audience-problems").replaceChildren();
  }

  /** Only the chosen seed kind's field shows. */
  private showSeedFields(): void {
    const kind = String(new FormData(byId("audience-form", HTMLFormElement)).get("kind"));
    for (const label of byId("audience-form").querySelectorAll<HTMLElement>("[data-seed]")) label.hidden = label.dataset.seed !== kind;
  }

  async load(): Promise<void> {
    clearTimeout(this.timer);
    const result = await this.api.audiences();
    if (!result.ok) {
      byId("audiences-status").textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    const { audiences } = result.data;
    byId("audiences-list").replaceChildren(audiences.length === 0 ? h("p", { class: "muted" }, this.w.none) : this.table(audiences));
    if (!byId("audiences").hidden && audiences.some((a) => a.status === "queued" || a.status === "building")) {
      this.timer = setTimeout(() => void this.load(), POLL_MS);
    }
  }

  private seedBody(data: FormData): unknown {
    const kind = String(data.get("kind"));
    if (kind === "segment") return { kind, segment: String(data.get("segment")) };
    if (kind === "sku") return { kind, sku: String(data.get("sku") ?? "").trim() };
    const text = String(data.get("list") ?? "").trim();
    if (text.startsWith("[")) {
      try {
        const ids: unknown = JSON.parse(text);
        if (Array.isArray(ids)) return { kind, shopperIds: ids.map(String) };
      } catch {
        // Not JSON after all: sent as CSV, and the API names the lines it cannot read.
      }
    }
    return { kind, csv: text };
  }

  private async create(): Promise<void> {
    const form = byId("audience-form", HTMLFormElement);
    const data = new FormData(form);
    const status = byId("audiences-status");
    const problems = byId("audience-problems");
    problems.replaceChildren();
    const name = String(data.get("name") ?? "").trim();
    const body = { name, seed: this.seedBody(data), percent: Number(data.get("percent")) };
    const button = form.querySelector("button[type=submit]");
    if (button instanceof HTMLButtonElement) button.disabled = true;
    const result = await this.api.createAudience(body, crypto.randomUUID());
    if (button instanceof HTMLButtonElement) button.disabled = false;
    if (!result.ok) {
      status.textContent = format(this.w.refused, { message: result.error.message });
      problems.replaceChildren(...(result.error.problems ?? []).map((p) => h("li", {}, p)));
      return;
    }
    status.textContent = format(this.w.queued, { name: result.data.name });
    await this.load();
  }

  private async download(id: string): Promise<void> {
    const result = await this.api.audienceCsv(id);
    if (!result.ok) {
      byId("audiences-status").textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    const url = URL.createObjectURL(result.data.blob);
    const link = h("a", { href: url, download: result.data.filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private statusOf(a: AudienceView): string {
    if (a.status === "building") return format(this.w.status_building, { progress: a.progress });
    if (a.status === "failed") return format(this.w.status_failed, { error: a.error ?? "" });
    return a.status === "built" ? this.w.status_built : this.w.status_queued;
  }

  private table(audiences: AudienceView[]): HTMLElement {
    const w = this.w;
    return h(
      "table",
      { "data-view": "audiences" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[w.col_name, w.col_seed, w.col_percent, w.col_status, w.col_size, w.col_recall, w.col_export].map((c) => h("th", {}, c)),
        ),
      ),
      h(
        "tbody",
        {},
        ...audiences.map((a) =>
          h(
            "tr",
            { "data-audience": a.id, "data-status": a.status },
            h("td", { title: when(a.createdAt) }, a.name),
            h("td", {}, a.seed.kind === "list" ? format(w.listed, { n: a.seed.shoppers }) : `${a.seed.source ?? ""} (${a.seed.shoppers})`),
            h("td", {}, `${a.percent} %`),
            h("td", { "data-cell": "status" }, this.statusOf(a)),
            h("td", { "data-cell": "size" }, a.size === null ? "–" : format(w.sizeOf, { size: a.size, pool: a.poolSize ?? 0 })),
            h("td", { "data-cell": "recall" }, a.holdoutRecall === null ? "–" : `${Math.round(a.holdoutRecall * 100)} %`),
            h(
              "td",
              {},
              a.status === "built"
                ? h(
                    "button",
                    { type: "button", class: "secondary", "data-export": a.id, onclick: () => void this.download(a.id) },
                    w.download,
                  )
                : "",
            ),
          ),
        ),
      ),
    );
  }
}
