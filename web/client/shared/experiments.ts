import { controlOf, type ExperimentPage, PAGE_SURFACES, type Surface, type VariantOf } from "../../../src/experiments/surfaces.ts";
import { api } from "./api.ts";
import { pageEvents } from "./events.ts";
import { lang } from "./i18n.ts";

interface Assignment {
  experiment: string;
  surface: Surface;
  variant: string;
}

/** How long the page waits for its assignments before it shows every control (and reports no exposure). */
const WAIT_MS = 2_500;

/**
 * The page's A/B variants (issue 13). The HTML is shared and cached at the edge, so it is
 * rendered for nobody in particular, with the experiments `pending`: the stylesheet keeps the
 * surfaces under experiment neutral until the shopper's variants arrive from the edge
 * (`POST /api/experiments/assignments`, uncached, sticky per shopper). Then each surface's
 * variant goes on the page root as `data-<surface>` (the stylesheet and the page's script
 * draw from it), every later event carries the assignment (`pageEvents.assign`), and one
 * `experiment_exposure` per experiment is recorded for this page view (the server keeps one
 * per shopper). A surface the shopper is in no experiment of shows its control, reported
 * nowhere; so does everything if the answer does not come within WAIT_MS.
 */
export class PageExperiments {
  private readonly page: ExperimentPage;
  private readonly root: HTMLElement;
  private readonly assigned = new Map<Surface, Assignment>();
  private settled = false;
  private readonly listeners: Array<() => void> = [];

  constructor(page: ExperimentPage, root: HTMLElement) {
    this.page = page;
    this.root = root;
    root.dataset.experiments = "pending";
  }

  /** The variant this page shows on `surface`: the shopper's, else the control. */
  variant<S extends Surface>(surface: S): VariantOf<S> {
    return (this.assigned.get(surface)?.variant as VariantOf<S> | undefined) ?? controlOf(surface);
  }

  /** Runs `listener` once the variants are settled (at once if they are). */
  onSettled(listener: () => void): void {
    if (this.settled) listener();
    else this.listeners.push(listener);
  }

  /** Asks the edge for the shopper's variants and applies them; after WAIT_MS without an answer, the controls. */
  async load(): Promise<void> {
    const timer = setTimeout(() => this.settle([]), WAIT_MS);
    try {
      const { assignments } = await api<{ assignments: Assignment[] }>("/api/experiments/assignments", {
        method: "POST",
        body: { page: this.page, locale: lang === "zh-CN" ? "zh-CN" : "en" },
      });
      this.settle(assignments);
    } catch {
      this.settle([]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Applies the variants once: a late answer after the controls were shown changes nothing (no flicker, no exposure). */
  private settle(assignments: readonly Assignment[]): void {
    if (this.settled) return;
    this.settled = true;
    const surfaces: readonly Surface[] = PAGE_SURFACES[this.page];
    const shown = assignments.filter((assignment) => surfaces.includes(assignment.surface));
    for (const assignment of shown) {
      this.assigned.set(assignment.surface, assignment);
      pageEvents.assign(assignment.experiment, assignment.variant);
    }
    // After every assignment, so each exposure carries the page's whole set, as later events do.
    for (const { experiment, variant } of shown) pageEvents.record({ type: "experiment_exposure", experiment, variant });
    for (const surface of surfaces) this.root.dataset[datasetName(surface)] = this.variant(surface);
    this.root.dataset.experiments = "ready";
    for (const listener of this.listeners.splice(0)) listener();
  }
}

/** `buy_button` → `buyButton`, so the root carries `data-buy-button`. */
function datasetName(surface: Surface): string {
  return surface.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
}
