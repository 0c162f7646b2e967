import type { AdminApi } from "./admin-api.ts";
import type { SaleConfig } from "./api-types.ts";
import { byId } from "./dom.ts";
import { flash } from "./flash.ts";
import { FormProblems } from "./form-problems.ts";
import { SaleForm } from "./sale-form.ts";

/**
 * Creating and editing a sale: opens the form, saves it (an edit names the version it was
 * read at, so a save by someone else meanwhile is refused rather than overwritten), and
 * says what went wrong next to the fields it concerns.
 */
export class SaleEditor {
  private readonly form = new SaleForm();
  private readonly problems = new FormProblems(this.form.form);
  private readonly save = byId("save", HTMLButtonElement);
  /** The sale being edited, as it was read; null for a new sale. */
  private editing: SaleConfig | null = null;
  private readonly api: AdminApi;
  private readonly saved: () => void;

  /** `saved` runs after every successful save (the console refreshes its lists). */
  constructor(api: AdminApi, saved: () => void) {
    this.api = api;
    this.saved = saved;
    this.form.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    byId("close-editor").addEventListener("click", () => this.close());
  }

  open(sale: SaleConfig | null): void {
    this.editing = sale;
    this.problems.clear();
    byId("editor-title").textContent = sale ? `Edit ${sale.title} (version ${sale.version})` : "New sale";
    this.form.fill(sale);
    this.form.form.hidden = false;
    this.form.form.scrollIntoView({ behavior: "smooth" });
  }

  close(): void {
    this.form.form.hidden = true;
    this.editing = null;
  }

  private async submit(): Promise<void> {
    const { draft, problems } = this.form.read();
    if (problems.length) return this.problems.show(problems, "Please fix the marked fields.");
    const editing = this.editing;
    this.save.disabled = true;
    const result = editing
      ? await this.api.update(editing.sku, { ...draft, expectedVersion: editing.version })
      : await this.api.create(draft);
    this.save.disabled = false;
    if (result.ok) {
      this.close();
      flash(`Saved ${result.data.sale.title} (version ${result.data.sale.version}). It is in effect now.`);
      return this.saved();
    }
    const { error } = result;
    if (error.problems) {
      return this.problems.show(
        error.problems,
        error.code === "conflict" ? error.message : "The sale was not saved: please fix the marked fields.",
      );
    }
    if (error.code === "conflict" && error.version !== undefined) {
      return this.problems.show(
        [],
        `Someone saved this sale meanwhile (now version ${error.version}). Close the form and edit it again to see their changes; nothing of yours was saved.`,
      );
    }
    // A 503 after the object took the change says so itself ("the running sale has version…").
    this.problems.show(
      [],
      error.code === "dependency_unavailable" && error.version !== undefined ? error.message : `Not saved: ${error.message}`,
    );
  }
}
