import type { ApiResult } from "./admin-api.ts";
import type { ApiProblem } from "./api-types.ts";
import { byId } from "./dom.ts";
import { flash } from "./flash.ts";
import { FormProblems } from "./form-problems.ts";

/** A create/edit form: fills from a saved thing (null: a new one's defaults), reads back the API's draft. */
export interface EditForm<T, D> {
  readonly form: HTMLFormElement;
  fill(saved: T | null): void;
  /** The draft, and the problems of what could not be converted ("path: message"). */
  read(): { draft: D; problems: string[] };
}

/** What an editor says, in its own words (a sale's, an experiment's, a coupon's). */
export interface EditorWords<T, R> {
  /** The form's heading: "New sale", "Edit X (version 3)". */
  title(editing: T | null): string;
  /** Above the form's own problems (nothing was sent). */
  fixFields: string;
  /** Above the API's `problems`. */
  notSaved(error: ApiProblem): string;
  /** Someone saved meanwhile: the API's current version. */
  stale(version: number): string;
  /** Any other refusal. */
  failed(error: ApiProblem): string;
  /** The flash after a save. */
  saved(answer: R): string;
}

/** The element ids of one editor in the console's markup. */
export interface EditorIds {
  problems: string;
  save: string;
  close: string;
  title: string;
}

export interface EditorSpec<T, D, R> {
  form: EditForm<T, D>;
  ids: EditorIds;
  words: EditorWords<T, R>;
  /** Creates (`editing` null) or saves an edit from `editing.version` (`expectedVersion`). */
  send(draft: D, editing: T | null): Promise<ApiResult<R>>;
}

/**
 * Creating and editing a versioned thing (a sale, an experiment, a coupon template): opens
 * the form, saves it (an edit names the version it was read at, so a save by someone else
 * meanwhile is refused rather than overwritten), and says what went wrong next to the fields
 * it concerns (./form-problems.ts).
 */
export class VersionedEditor<T, D, R> {
  private readonly spec: EditorSpec<T, D, R>;
  private readonly problems: FormProblems;
  private readonly save: HTMLButtonElement;
  private readonly savedHook: (answer: R) => void;
  /** The thing being edited, as it was read; null for a new one. */
  private editing: T | null = null;

  /** `saved` runs after every successful save (the console redraws its lists). */
  constructor(spec: EditorSpec<T, D, R>, saved: (answer: R) => void) {
    this.spec = spec;
    this.savedHook = saved;
    this.problems = new FormProblems(spec.form.form, spec.ids.problems);
    this.save = byId(spec.ids.save, HTMLButtonElement);
    spec.form.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    byId(spec.ids.close).addEventListener("click", () => this.close());
  }

  open(saved: T | null): void {
    this.editing = saved;
    this.problems.clear();
    byId(this.spec.ids.title).textContent = this.spec.words.title(saved);
    this.spec.form.fill(saved);
    this.spec.form.form.hidden = false;
    this.spec.form.form.scrollIntoView({ behavior: "smooth" });
  }

  close(): void {
    this.spec.form.form.hidden = true;
    this.editing = null;
  }

  private async submit(): Promise<void> {
    const { words } = this.spec;
    const { draft, problems } = this.spec.form.read();
    if (problems.length) return this.problems.show(problems, words.fixFields);
    this.save.disabled = true;
    const result = await this.spec.send(draft, this.editing);
    this.save.disabled = false;
    if (result.ok) {
      this.close();
      flash(words.saved(result.data));
      return this.savedHook(result.data);
    }
    const { error } = result;
    if (error.problems) return this.problems.show(error.problems, words.notSaved(error));
    if (error.code === "conflict" && error.version !== undefined) return this.problems.show([], words.stale(error.version));
    this.problems.show([], words.failed(error));
  }
}
