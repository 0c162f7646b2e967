import type { Lang } from "../../../src/i18n/messages.ts";
import type { Sequence } from "../../../src/sequences/sequence.ts";
import type { SequenceFigures } from "../../../src/sequences/sequence-figures.ts";
import { fillWords, type SequenceWords, sequenceWords } from "../../../src/sequences/sequence-words.ts";
import type { AdminApi } from "./admin-api.ts";
import { needs } from "./capabilities.ts";
import { byId, h } from "./dom.ts";
import { showAuditRows } from "./audit-view.ts";
import { flash } from "./flash.ts";
import { showVersions } from "./history-view.ts";
import type { SequenceDraftInput } from "./api-types.ts";
import { SequenceForm } from "./sequence-form.ts";
import { VersionedEditor } from "./versioned-editor.ts";

/**
 * The console's Follow-ups view (issue 17), built as the Livestreams view is
 * (./livestreams-view.ts): every sequence with its trigger, its steps' times and its figures
 * (enrolled, sent per step, exited, completed: `GET /sequences/{id}/figures`); the builder to
 * create and edit them (./sequence-form.ts, with each step's preview in both languages); each
 * sequence's history and audit log. Read on opening, on "Refresh" and after every save.
 */
export class FollowUpsView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("follow-ups").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly words: SequenceWords = sequenceWords(this.lang);
  private readonly form: SequenceForm;
  readonly editor: VersionedEditor<Sequence, SequenceDraftInput, { sequence: Sequence }>;

  constructor(api: AdminApi) {
    this.api = api;
    const w = this.words;
    this.form = new SequenceForm(w);
    this.editor = new VersionedEditor(
      {
        form: this.form,
        ids: { problems: "sequence-form-problems", save: "save-sequence", close: "close-sequence-editor", title: "sequence-editor-title" },
        send: (draft, editing) => (editing ? api.updateSequence(editing.id, draft, editing.version) : api.createSequence(draft)),
        words: {
          title: (s) => (s ? fillWords(w.form_edit, { name: s.name, version: s.version }) : w.form_new),
          fixFields: w.fixFields,
          notSaved: () => w.notSaved,
          stale: (version) => fillWords(w.stale, { version }),
          failed: (error) => fillWords(w.failed, { message: error.message }),
          saved: ({ sequence }) => fillWords(w.saved, { name: sequence.name, version: sequence.version }),
        },
      },
      () => void this.load(),
    );
    byId("show-follow-ups").addEventListener("click", () => this.open());
    byId("close-follow-ups").addEventListener("click", () => this.close());
    byId("refresh-follow-ups").addEventListener("click", () => void this.load());
    byId("new-sequence").addEventListener("click", () => void this.edit(null));
  }

  open(): void {
    byId("follow-ups").hidden = false;
    byId("follow-ups").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("follow-ups").hidden = true;
    this.editor.close();
    byId("sequence-list").replaceChildren();
  }

  /** Opens the builder with the coupon templates and the other sequences to pick from, read afresh. */
  private async edit(sequence: Sequence | null): Promise<void> {
    const [coupons, sequences] = await Promise.all([this.api.coupons(), this.api.sequences()]);
    this.form.templates = coupons.ok ? coupons.data.coupons.map((c) => c.template) : [];
    this.form.sequences = sequences.ok ? sequences.data.sequences : [];
    this.editor.open(sequence);
  }

  async load(): Promise<void> {
    const w = this.words;
    const result = await this.api.sequences();
    const out = byId("sequence-list");
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fillWords(w.couldNotRead, { message: result.error.message })));
    const { sequences } = result.data;
    if (!sequences.length) return out.replaceChildren(h("p", { class: "muted" }, w.noSequences));
    const figures = await Promise.all(sequences.map((s) => this.api.sequenceFigures(s.id)));
    const headings = [w.col_sequence, w.col_trigger, w.col_steps, w.col_enrolled, w.col_sent, w.col_exited, w.col_completed, ""];
    out.replaceChildren(
      h(
        "table",
        { "data-view": "follow-ups" },
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
          sequences.map((s, i) => {
            const answer = figures[i]!;
            return this.row(s, answer.ok ? answer.data.figures : null);
          }),
        ),
      ),
    );
  }

  private trigger(s: Sequence): string {
    const w = this.words;
    if (s.trigger.kind === "segment_entered") return fillWords(w.trigger_segment_entered, { segment: s.trigger.segment ?? "" });
    if (s.trigger.kind === "order_paid" && s.trigger.firstPurchaseOnly) return w.trigger_order_paid_first;
    return w[`trigger_${s.trigger.kind}`];
  }

  private row(s: Sequence, figures: SequenceFigures | null): HTMLTableRowElement {
    const w = this.words;
    const count = (n: number | undefined) => (figures ? String(n ?? 0) : "–");
    return h(
      "tr",
      { "data-sequence": s.id },
      h("td", {}, h("strong", {}, s.name), h("div", { class: "muted" }, `${s.id} · v${s.version} · ${s.active ? w.active : w.paused}`)),
      h("td", { "data-cell": "trigger" }, this.trigger(s)),
      h(
        "td",
        { "data-cell": "steps" },
        s.steps.map((step) => fillWords(w.stepAt, { days: step.after.days, hours: step.after.hours })).join(" · "),
      ),
      h("td", { "data-cell": "enrolled" }, count(figures?.enrolled)),
      h("td", { "data-cell": "sent" }, figures ? figures.steps.map((step) => step.sent).join(" / ") : "–"),
      h(
        "td",
        {
          "data-cell": "exited",
          title: figures
            ? Object.entries(figures.exitReasons)
                .map(([r, n]) => `${r}: ${n}`)
                .join(", ")
            : "",
        },
        count(figures?.exited),
      ),
      h("td", { "data-cell": "completed" }, count(figures?.completed)),
      h(
        "td",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "edit", ...needs("editFollowUps"), onclick: () => void this.edit(s) },
          w.edit,
        ),
        h("button", { type: "button", class: "secondary", "data-action": "history", onclick: () => void this.history(s) }, w.history),
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "audit", ...needs("readAudit"), onclick: () => void this.audit(s) },
          w.audit,
        ),
      ),
    );
  }

  private async audit(s: Sequence): Promise<void> {
    const w = this.words;
    const result = await this.api.sequenceAudit(s.id);
    if (!result.ok) return flash(fillWords(w.failedRead, { message: result.error.message }), true);
    const rows = result.data.entries.map((entry) => ({ ...entry, subject: `${entry.after.id} v${entry.version}` }));
    showAuditRows(`${s.name} (${s.id})`, rows, changedFields, [w.h_when, w.h_who, w.h_action, w.col_sequence, w.h_what]);
  }

  private async history(s: Sequence): Promise<void> {
    const result = await this.api.sequenceHistory(s.id);
    if (!result.ok) return;
    showVersions(`${s.name} (${s.id})`, result.data.versions, (before, after) => changedFields(before, after));
  }
}

/** The top-level fields a version changed, by name: a sequence's history is read by what moved. */
function changedFields(before: Sequence | null, after: Sequence): string[] {
  if (!before) return ["created"];
  const keys = Object.keys(after) as Array<keyof Sequence>;
  return keys.filter((k) => !["version", "updatedAt", "updatedBy"].includes(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
