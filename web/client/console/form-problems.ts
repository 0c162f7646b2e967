import { byId, h } from "./dom.ts";

/**
 * The API names each problem by the path of its field ("tiers.1.fromRank: must be 11");
 * every input of a console form carries that path (`data-path`), so each problem is shown
 * next to its own field, or its row or list when the field has none, and the rest on top.
 */
export class FormProblems {
  private readonly form: HTMLFormElement;
  private readonly summary: HTMLElement;

  /** `summaryId`: where the problems without a field go (the sale form's #form-problems unless given). */
  constructor(form: HTMLFormElement, summaryId = "form-problems") {
    this.form = form;
    this.summary = byId(summaryId);
  }

  clear(): void {
    for (const el of this.form.querySelectorAll(".problem[data-for]")) el.remove();
    for (const el of this.form.querySelectorAll(".invalid")) el.classList.remove("invalid");
    this.summary.replaceChildren();
    this.summary.hidden = true;
  }

  /** Each "path: message" next to the field of that path; `headline` and what has no field on top. */
  show(problems: readonly string[], headline?: string): void {
    this.clear();
    const general: string[] = [];
    for (const problem of problems) {
      const cut = problem.indexOf(": ");
      const path = cut < 0 ? "body" : problem.slice(0, cut);
      const message = cut < 0 ? problem : problem.slice(cut + 2);
      const target = this.fieldFor(path);
      if (!target) {
        general.push(path === "body" ? message : problem);
        continue;
      }
      target.classList.add("invalid");
      const host = target.matches("tr")
        ? target.lastElementChild
        : target.matches("fieldset")
          ? target
          : (target.closest("label, td") ?? target.parentElement);
      host?.append(h("div", { class: "problem", "data-for": path }, message));
    }
    if (headline || general.length) {
      this.summary.replaceChildren(headline ? h("p", {}, headline) : "", ...general.map((text) => h("div", {}, text)));
      this.summary.hidden = false;
    }
    const first = this.form.querySelector(".invalid") ?? (this.summary.hidden ? null : this.summary);
    first?.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  /** The element of the path, or of the nearest enclosing path that has one (a row, a list). */
  private fieldFor(path: string): Element | null {
    const parts = path.split(".");
    while (parts.length) {
      const el = this.form.querySelector(`[data-path="${CSS.escape(parts.join("."))}"]`);
      if (el) return el;
      parts.pop();
    }
    return null;
  }
}
