import type { Sequence } from "../../../src/sequences/sequence.ts";
import { fillWords, type SequenceWords, sequenceWords } from "../../../src/sequences/sequence-words.ts";
import { renderTemplate } from "../../../src/sequences/template.ts";
import type { CouponTemplate, SequenceDraftInput } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { FormFields, input, select } from "./form-fields.ts";
import type { EditForm } from "./versioned-editor.ts";

type StepInput = SequenceDraftInput["steps"][number];

const LANGS = ["zh-CN", "en"] as const;

/**
 * The sequence builder ↔ the API's sequence (issue 17): the trigger and exit rules as fields,
 * the steps as rows added and removed at will, each with its templates in both languages and
 * beside them a preview of the step as shoppers read it (placeholders filled with sample
 * values, by the same function the FollowUp object sends with). Inputs carry their API paths
 * (`steps.2.body.en`), so the API's problems land beside them.
 */
export class SequenceForm implements EditForm<Sequence, SequenceDraftInput> {
  readonly form = byId("sequence-editor", HTMLFormElement);
  private readonly words: SequenceWords;
  private readonly steps = byId("sequence-steps");
  /** The coupon templates a step may grant, and the sequences `thenEnrol` may name (read by the view first). */
  templates: CouponTemplate[] = [];
  sequences: Sequence[] = [];

  constructor(words: SequenceWords) {
    this.words = words;
    byId("add-sequence-step").addEventListener("click", () => this.addStep(null));
  }

  fill(sequence: Sequence | null): void {
    input(this.form, "id").value = sequence?.id ?? "";
    input(this.form, "id").readOnly = sequence !== null;
    input(this.form, "name").value = sequence?.name ?? "";
    input(this.form, "active").checked = sequence?.active ?? true;
    select(this.form, "kind").value = sequence?.trigger.kind ?? "order_paid";
    select(this.form, "segment").value = sequence?.trigger.segment ?? "";
    input(this.form, "firstPurchaseOnly").checked = sequence?.trigger.firstPurchaseOnly ?? false;
    input(this.form, "quiet").checked = sequence ? sequence.quietHours !== null : true;
    input(this.form, "quietStart").value = sequence?.quietHours?.start ?? "22:00";
    input(this.form, "quietEnd").value = sequence?.quietHours?.end ?? "08:00";
    input(this.form, "exitOnPurchase").checked = sequence?.exit.onPurchase ?? true;
    input(this.form, "exitOnSegmentLeft").checked = sequence?.exit.onSegmentLeft ?? false;
    const then = select(this.form, "thenEnrol");
    then.replaceChildren(
      h("option", { value: "" }, this.words.f_none),
      ...this.sequences.filter((s) => s.id !== sequence?.id).map((s) => h("option", { value: s.id }, `${s.name} (${s.id})`)),
    );
    then.value = sequence?.thenEnrol ?? "";
    this.steps.replaceChildren();
    for (const step of sequence?.steps ?? [null]) this.addStep(step);
  }

  read(): { draft: SequenceDraftInput; problems: string[] } {
    const fields = new FormFields(this.form, this.words);
    const kind = select(this.form, "kind").value as SequenceDraftInput["trigger"]["kind"];
    const segment = select(this.form, "segment").value;
    const draft: SequenceDraftInput = {
      id: fields.text("id"),
      name: fields.text("name"),
      active: input(this.form, "active").checked,
      trigger: {
        kind,
        segment: segment === "" ? null : (segment as NonNullable<SequenceDraftInput["trigger"]["segment"]>),
        firstPurchaseOnly: input(this.form, "firstPurchaseOnly").checked,
      },
      steps: [...this.steps.querySelectorAll<HTMLElement>(".sequence-step")].map((row, i) => this.readStep(row, i, fields)),
      quietHours: input(this.form, "quiet").checked
        ? { start: input(this.form, "quietStart").value, end: input(this.form, "quietEnd").value }
        : null,
      exit: { onPurchase: input(this.form, "exitOnPurchase").checked, onSegmentLeft: input(this.form, "exitOnSegmentLeft").checked },
      thenEnrol: select(this.form, "thenEnrol").value || null,
    };
    return { draft, problems: fields.problems };
  }

  private readStep(row: HTMLElement, i: number, fields: FormFields): StepInput {
    const value = (name: string) =>
      row.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(`[name="${name}"]`)!.value;
    const whole = (name: string, path: string) => {
      const n = Number(value(name));
      if (!Number.isInteger(n)) fields.note(path, this.words.need_number);
      return n;
    };
    return {
      after: { days: whole("days", `steps.${i}.after.days`), hours: whole("hours", `steps.${i}.after.hours`) },
      title: { "zh-CN": value("title-zh-CN"), en: value("title-en") },
      body: { "zh-CN": value("body-zh-CN"), en: value("body-en") },
      couponTemplate: value("couponTemplate") || null,
      link: value("link").trim() || null,
    };
  }

  /** A step row at the end (a copy of `step`, or an empty one a day after the last). */
  private addStep(step: StepInput | null): void {
    const w = this.words;
    const i = this.steps.children.length;
    const days = step?.after.days ?? (i === 0 ? 0 : i * 2 - 1);
    const field = (label: string, name: string, path: string, control: HTMLElement) => {
      control.setAttribute("name", name);
      control.dataset.path = path;
      return h("label", {}, `${label} `, control);
    };
    const text = (value: string, max: number) => h("input", { value, maxlength: max });
    const area = (value: string) => {
      const el = h("textarea", { rows: 3, maxlength: 500 });
      el.value = value;
      return el;
    };
    const coupon = h(
      "select",
      {},
      h("option", { value: "" }, w.f_none),
      this.templates.map((t) => h("option", { value: t.id }, `${t.title} (${t.id})`)),
    );
    coupon.value = step?.couponTemplate ?? "";
    const preview = h("div", { class: "step-preview", "data-preview": i });
    const row = h(
      "div",
      { class: "sequence-step", "data-step": i, "data-path": `steps.${i}` },
      h(
        "div",
        { class: "step-times" },
        field(w.f_days, "days", `steps.${i}.after`, h("input", { type: "number", min: 0, max: 90, value: days })),
        field(w.f_hours, "hours", `steps.${i}.after.hours`, h("input", { type: "number", min: 0, max: 23, value: step?.after.hours ?? 0 })),
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "remove-step", onclick: () => this.removeStep(row) },
          w.removeStep,
        ),
      ),
      LANGS.map((lang) => [
        field(`${w.f_title} (${lang})`, `title-${lang}`, `steps.${i}.title.${lang}`, text(step?.title?.[lang] ?? "", 60)),
        field(`${w.f_body} (${lang})`, `body-${lang}`, `steps.${i}.body.${lang}`, area(step?.body?.[lang] ?? "")),
      ]),
      field(w.f_coupon, "couponTemplate", `steps.${i}.couponTemplate`, coupon),
      field(w.f_link, "link", `steps.${i}.link`, text(step?.link ?? "", 200)),
      preview,
    );
    row.addEventListener("input", () => this.preview(row));
    this.steps.append(row);
    this.preview(row);
  }

  private removeStep(row: HTMLElement): void {
    row.remove();
    // Paths follow the rows' order, so the API's problems still land beside the right fields.
    [...this.steps.querySelectorAll<HTMLElement>(".sequence-step")].forEach((el, i) => {
      el.dataset.step = String(i);
      el.dataset.path = `steps.${i}`;
      for (const control of el.querySelectorAll<HTMLElement>("[data-path]")) {
        control.dataset.path = control.dataset.path!.replace(/^steps\.\d+/, `steps.${i}`);
      }
      el.querySelector<HTMLElement>(".step-preview")!.dataset.preview = String(i);
      this.preview(el);
    });
  }

  /** The step as a shopper reads it, in both languages, sample values in the placeholders. */
  private preview(row: HTMLElement): void {
    const w = this.words;
    const value = (name: string) => row.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)!.value;
    // Each language's message with that language's sample shopper and product.
    const values = (lang: (typeof LANGS)[number]) => {
      const sample = sequenceWords(lang);
      return {
        name: sample.sampleName,
        product: sample.sampleProduct,
        coupon: value("couponTemplate") ? sample.sampleCoupon : "",
        deadline: sample.sampleDeadline,
      };
    };
    row
      .querySelector(".step-preview")!
      .replaceChildren(
        h("div", { class: "muted" }, fillWords(w.previewOf, { n: Number(row.dataset.step) + 1 })),
        ...LANGS.map((lang) =>
          h(
            "div",
            { class: "step-preview-message", lang, "data-lang": lang },
            h("strong", {}, renderTemplate(value(`title-${lang}`), values(lang))),
            h("p", {}, renderTemplate(value(`body-${lang}`), values(lang))),
          ),
        ),
      );
  }
}
