import { fill } from "../../../src/coupons/coupon-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { liveAt } from "../../../src/livestreams/live-phase.ts";
import { type LivestreamWords, livestreamWords } from "../../../src/livestreams/livestream-words.ts";
import type { AdminApi } from "./admin-api.ts";
import type { Livestream, LivestreamDraftInput, LivestreamSaved } from "./api-types.ts";
import { showAuditRows } from "./audit-view.ts";
import { needs } from "./capabilities.ts";
import { type ChangeWords, changesBetween } from "./changes.ts";
import { byId, h } from "./dom.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";
import { showVersions } from "./history-view.ts";
import { LivestreamForm } from "./livestream-form.ts";
import { VersionedEditor } from "./versioned-editor.ts";

/**
 * The console's Livestreams view (issue 15), built as the Coupons and Team red packets views
 * are (./coupons-view.ts, ./teams-view.ts): every livestream with its phase, window in local
 * time, the coupons it hands out, its stores and claim code; a form to create and edit them
 * (the coupon templates picked from the in_store ones), each problem next to its field; each
 * livestream's history and audit log. Read on opening, on "Refresh" and after every save.
 */
export class LivestreamsView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("livestreams").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly words: LivestreamWords = livestreamWords(this.lang);
  private readonly form: LivestreamForm;
  readonly editor: VersionedEditor<Livestream, LivestreamDraftInput, LivestreamSaved>;

  constructor(api: AdminApi) {
    this.api = api;
    const w = this.words;
    this.form = new LivestreamForm(w);
    this.editor = new VersionedEditor(
      {
        form: this.form,
        ids: {
          problems: "livestream-form-problems",
          save: "save-livestream",
          close: "close-livestream-editor",
          title: "livestream-editor-title",
        },
        send: (draft, editing) => (editing ? api.updateLivestream(editing.id, draft, editing.version) : api.createLivestream(draft)),
        words: {
          title: (l) => (l ? fill(w.form_edit, { title: l.title, version: l.version }) : w.form_new),
          fixFields: w.fixFields,
          notSaved: () => w.notSaved,
          stale: (version) => fill(w.stale, { version }),
          failed: (error) => fill(w.failed, { message: error.message }),
          saved: ({ livestream }) => fill(w.saved, { title: livestream.title, version: livestream.version }),
        },
      },
      () => void this.load(),
    );
    byId("show-livestreams").addEventListener("click", () => this.open());
    byId("close-livestreams").addEventListener("click", () => this.close());
    byId("refresh-livestreams").addEventListener("click", () => void this.load());
    byId("new-livestream").addEventListener("click", () => void this.edit(null));
  }

  open(): void {
    byId("livestreams").hidden = false;
    byId("livestreams").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("livestreams").hidden = true;
    this.editor.close();
    byId("livestream-list").replaceChildren();
  }

  /** Opens the form with the in_store templates and the stores to pick from, read afresh. */
  private async edit(livestream: Livestream | null): Promise<void> {
    const [coupons, stores] = await Promise.all([this.api.coupons(), this.api.stores()]);
    this.form.templates = coupons.ok ? coupons.data.coupons.map((c) => c.template).filter((t) => t.redeem === "in_store") : [];
    this.form.stores = stores.ok ? stores.data.stores : [];
    this.editor.open(livestream);
  }

  async load(): Promise<void> {
    const w = this.words;
    const result = await this.api.livestreams();
    const out = byId("livestream-list");
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.couldNotRead, { message: result.error.message })));
    const { livestreams } = result.data;
    if (!livestreams.length) return out.replaceChildren(h("p", { class: "muted" }, w.noLivestreams));
    const headings = [w.col_livestream, w.col_window, w.col_coupons, w.col_stores, w.col_claimCode, ""];
    out.replaceChildren(
      h(
        "table",
        { "data-view": "livestreams" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            headings.map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          livestreams.map((livestream) => this.row(livestream)),
        ),
      ),
    );
  }

  private row(livestream: Livestream): HTMLTableRowElement {
    const w = this.words;
    const phase = liveAt(livestream, Date.now());
    const flags = [w[`phase_${phase}`], livestream.paused && w.flag_paused].filter(Boolean).join(" · ");
    return h(
      "tr",
      { "data-livestream": livestream.id },
      h(
        "td",
        {},
        h("a", { href: `/live/${encodeURIComponent(livestream.id)}`, target: "_blank", rel: "noopener" }, livestream.title),
        h("div", { class: "muted" }, `${livestream.id} · v${livestream.version} · ${flags}`),
      ),
      h("td", { "data-cell": "window" }, fill(w.window, { from: when(livestream.startsAt), until: when(livestream.endsAt) })),
      h("td", { "data-cell": "coupons" }, livestream.couponTemplates.join(", ")),
      h("td", { "data-cell": "stores" }, livestream.stores.join(", ")),
      h("td", { "data-cell": "claim-code" }, livestream.claimCode || w.noClaimCode),
      h(
        "td",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "edit", ...needs("editSales"), onclick: () => void this.edit(livestream) },
          w.edit,
        ),
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "history", onclick: () => void this.history(livestream) },
          w.history,
        ),
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "audit", ...needs("readAudit"), onclick: () => void this.audit(livestream) },
          w.audit,
        ),
      ),
    );
  }

  private async history(livestream: Livestream): Promise<void> {
    const w = this.words;
    const result = await this.api.livestreamHistory(livestream.id);
    if (!result.ok) return flash(fill(w.couldNotReadHistory, { message: result.error.message }), true);
    showVersions(fill(w.historyOf, { title: livestream.title }), result.data.versions, this.changes, {
      headings: [w.h_version, w.h_saved, w.h_by, w.h_changes],
      unknownAuthor: w.unknownAuthor,
    });
  }

  private async audit(livestream: Livestream): Promise<void> {
    const w = this.words;
    const result = await this.api.livestreamAudit(livestream.id);
    if (!result.ok) return flash(fill(w.couldNotReadAudit, { message: result.error.message }), true);
    const rows = result.data.entries.map((entry) => ({ ...entry, subject: `${entry.after.id} v${entry.version}` }));
    showAuditRows(fill(w.auditOf, { title: livestream.title }), rows, this.changes, [w.h_when, w.h_who, w.h_action, w.h_subject, w.h_what]);
  }

  private readonly changes = (before: Livestream | null, after: Livestream): string[] =>
    changesBetween(livestreamChanges(this.words), before, after);
}

/** A livestream's fields in the marketer's words: local times, lists joined. */
function livestreamChanges(w: LivestreamWords): ChangeWords<Livestream> {
  return {
    label: (key) => (w as Record<string, string>)[`label_${key}`] ?? key,
    show: (key, livestream) => {
      const value: unknown = livestream[key];
      if (value === undefined) return "–";
      if (key === "startsAt" || key === "endsAt") return when(livestream[key]);
      if (Array.isArray(value)) return value.join(", ");
      return typeof value === "string" ? value : JSON.stringify(value);
    },
    created: w.created,
    oldestKept: w.oldestKept,
    noChange: w.noChange,
  };
}
