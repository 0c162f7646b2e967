import type { AdminApi } from "./admin-api.ts";
import type { ExperimentConfig } from "./api-types.ts";
import { byId } from "./dom.ts";
import { ExperimentForm } from "./experiment-form.ts";
import { flash } from "./flash.ts";
import { FormProblems } from "./form-problems.ts";

/**
 * Creating and editing an experiment (issue 13), as a sale is edited: an edit names the
 * version it was read at, so a save by someone else meanwhile is refused, not overwritten,
 * and every problem is shown next to its field.
 */
export class ExperimentEditor {
  private readonly form = new ExperimentForm();
  private readonly problems = new FormProblems(this.form.form, "experiment-form-problems");
  private readonly save = byId("save-experiment", HTMLButtonElement);
  private editing: ExperimentConfig | null = null;
  private readonly api: AdminApi;
  private readonly saved: () => void;

  constructor(api: AdminApi, saved: () => void) {
    this.api = api;
    this.saved = saved;
    this.form.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    byId("close-experiment-editor").addEventListener("click", () => this.close());
  }

  open(experiment: ExperimentConfig | null): void {
    this.editing = experiment;
    this.problems.clear();
    byId("experiment-editor-title").textContent = experiment ? `Edit ${experiment.name} (version ${experiment.version})` : "New experiment";
    this.form.fill(experiment);
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
    const result = editing ? await this.api.updateExperiment(editing.key, draft, editing.version) : await this.api.createExperiment(draft);
    this.save.disabled = false;
    if (result.ok) {
      this.close();
      flash(`Saved ${result.data.experiment.name} (version ${result.data.experiment.version}).`);
      return this.saved();
    }
    const { error } = result;
    if (error.problems) return this.problems.show(error.problems, "The experiment was not saved: please fix the marked fields.");
    if (error.code === "conflict" && error.version !== undefined) {
      return this.problems.show(
        [],
        `Someone saved this experiment meanwhile (now version ${error.version}). Close the form and edit it again.`,
      );
    }
    this.problems.show([], `Not saved: ${error.message}`);
  }
}
