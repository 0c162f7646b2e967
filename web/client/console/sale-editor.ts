import type { AdminApi } from "./admin-api.ts";
import type { SaleConfig, SaleDraftInput, SaleSaved } from "./api-types.ts";
import { SaleForm } from "./sale-form.ts";
import { VersionedEditor } from "./versioned-editor.ts";

/**
 * Creating and editing a sale (./versioned-editor.ts): a save by someone else meanwhile is
 * refused rather than overwritten, and every problem is shown next to its field.
 */
export class SaleEditor extends VersionedEditor<SaleConfig, SaleDraftInput, SaleSaved> {
  /** `saved` runs after every successful save (the console refreshes its lists). */
  constructor(api: AdminApi, saved: () => void) {
    super(
      {
        form: new SaleForm(),
        ids: { problems: "form-problems", save: "save", close: "close-editor", title: "editor-title" },
        send: (draft, editing) => (editing ? api.update(editing.sku, { ...draft, expectedVersion: editing.version }) : api.create(draft)),
        words: {
          title: (sale) => (sale ? `Edit ${sale.title} (version ${sale.version})` : "New sale"),
          fixFields: "Please fix the marked fields.",
          notSaved: (error) => (error.code === "conflict" ? error.message : "The sale was not saved: please fix the marked fields."),
          stale: (version) =>
            `Someone saved this sale meanwhile (now version ${version}). Close the form and edit it again to see their changes; nothing of yours was saved.`,
          // A 503 after the object took the change says so itself ("the running sale has version…").
          failed: (error) =>
            error.code === "dependency_unavailable" && error.version !== undefined ? error.message : `Not saved: ${error.message}`,
          saved: ({ sale }) => `Saved ${sale.title} (version ${sale.version}). It is in effect now.`,
        },
      },
      saved,
    );
  }
}
