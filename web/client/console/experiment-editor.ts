import type { AdminApi } from "./admin-api.ts";
import type { ExperimentConfig, ExperimentDraftInput, ExperimentSaved } from "./api-types.ts";
import { ExperimentForm } from "./experiment-form.ts";
import { VersionedEditor } from "./versioned-editor.ts";

/**
 * Creating and editing an experiment (issue 13), as a sale is edited (./versioned-editor.ts):
 * an edit names the version it was read at, so a save by someone else meanwhile is refused,
 * not overwritten, and every problem is shown next to its field.
 */
export class ExperimentEditor extends VersionedEditor<ExperimentConfig, ExperimentDraftInput, ExperimentSaved> {
  constructor(api: AdminApi, saved: () => void) {
    super(
      {
        form: new ExperimentForm(),
        ids: {
          problems: "experiment-form-problems",
          save: "save-experiment",
          close: "close-experiment-editor",
          title: "experiment-editor-title",
        },
        send: (draft, editing) => (editing ? api.updateExperiment(editing.key, draft, editing.version) : api.createExperiment(draft)),
        words: {
          title: (experiment) => (experiment ? `Edit ${experiment.name} (version ${experiment.version})` : "New experiment"),
          fixFields: "Please fix the marked fields.",
          notSaved: () => "The experiment was not saved: please fix the marked fields.",
          stale: (version) => `Someone saved this experiment meanwhile (now version ${version}). Close the form and edit it again.`,
          failed: (error) => `Not saved: ${error.message}`,
          saved: ({ experiment }) => `Saved ${experiment.name} (version ${experiment.version}).`,
        },
      },
      saved,
    );
  }
}
