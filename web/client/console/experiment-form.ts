import { SURFACES, type Surface } from "../../../src/experiments/surfaces.ts";
import type { ExperimentConfig, ExperimentDraftInput } from "./api-types.ts";
import { byId, h } from "./dom.ts";

/**
 * The experiment form ↔ the API's experiment (issue 13). The variants' rows are the chosen
 * surface's (src/experiments/surfaces.ts), control first, redrawn when the surface changes;
 * each input carries its API path (`variants.1.weight`…) for the problems the API lists.
 */
export class ExperimentForm {
  readonly form = byId("experiment-editor", HTMLFormElement);
  private readonly variants = byId("experiment-variants");

  constructor() {
    this.select("surface").addEventListener("change", () => this.drawVariants(null));
  }

  /** Fills the form from an experiment, or a new one's defaults. A saved key is fixed; so are surface and metric once it runs. */
  fill(experiment: ExperimentConfig | null): void {
    this.input("key").value = experiment?.key ?? "";
    this.input("key").readOnly = experiment !== null;
    this.input("name").value = experiment?.name ?? "";
    this.textarea("description").value = experiment?.description ?? "";
    this.select("surface").value = experiment?.surface ?? "buy_button";
    this.select("primaryMetric").value = experiment?.primaryMetric ?? "checkout";
    const fixed = experiment !== null && experiment.status !== "draft";
    this.select("surface").disabled = fixed;
    this.select("primaryMetric").disabled = fixed;
    for (const box of this.form.querySelectorAll<HTMLInputElement>('[data-path^="targeting."] input[type=checkbox]')) {
      const list = experiment?.targeting[box.name as keyof ExperimentConfig["targeting"]] as readonly string[] | undefined;
      box.checked = list?.includes(box.value) ?? false;
    }
    this.drawVariants(experiment);
  }

  /** The form as the API's experiment; a weight that is no number is a problem here, everything else the API's to judge. */
  read(): { draft: ExperimentDraftInput; problems: string[] } {
    const problems: string[] = [];
    const variants = [...this.variants.querySelectorAll<HTMLTableRowElement>("tr")].map((row, i) => {
      const weightText = cell(row, "weight").value.trim();
      if (!/^\d+(\.\d+)?$/.test(weightText)) problems.push(`variants.${i}.weight: enter a number, like 50`);
      return { key: row.dataset.variant ?? "", name: cell(row, "name").value.trim(), weight: Number(weightText) };
    });
    const ticked = (name: string) =>
      [...this.form.querySelectorAll<HTMLInputElement>(`input[type=checkbox][name="${name}"]:checked`)].map((box) => box.value);
    const draft = {
      key: this.input("key").value.trim(),
      name: this.input("name").value.trim(),
      description: this.textarea("description").value,
      surface: this.select("surface").value,
      primaryMetric: this.select("primaryMetric").value,
      variants,
      targeting: { shoppers: ticked("shoppers"), devices: ticked("devices"), locales: ticked("locales") },
      // The selects hold only the API's own values; the API validates the rest.
    } as ExperimentDraftInput;
    return { draft, problems };
  }

  /** One row per variant of the surface, named and weighted as the experiment had them (50/50 for a new one). */
  private drawVariants(experiment: ExperimentConfig | null): void {
    const surface = this.select("surface").value as Surface;
    const saved = new Map(experiment?.variants.map((v) => [v.key, v]));
    this.variants.replaceChildren(
      ...SURFACES[surface].map((key, i) =>
        h(
          "tr",
          { "data-variant": key, "data-path": `variants.${i}` },
          h("td", { "data-path": `variants.${i}.key` }, key, i === 0 ? " (control)" : ""),
          h("td", {}, h("input", { "data-field": "name", "data-path": `variants.${i}.name`, value: saved.get(key)?.name ?? key })),
          h(
            "td",
            {},
            h("input", {
              "data-field": "weight",
              "data-path": `variants.${i}.weight`,
              inputmode: "decimal",
              value: saved.get(key)?.weight ?? 50,
            }),
          ),
        ),
      ),
    );
  }

  private input(name: string): HTMLInputElement {
    const el = this.form.elements.namedItem(name);
    if (!(el instanceof HTMLInputElement)) throw new Error(`the experiment form has no input "${name}"`);
    return el;
  }

  private textarea(name: string): HTMLTextAreaElement {
    const el = this.form.elements.namedItem(name);
    if (!(el instanceof HTMLTextAreaElement)) throw new Error(`the experiment form has no textarea "${name}"`);
    return el;
  }

  private select(name: string): HTMLSelectElement {
    const el = this.form.elements.namedItem(name);
    if (!(el instanceof HTMLSelectElement)) throw new Error(`the experiment form has no select "${name}"`);
    return el;
  }
}

function cell(row: HTMLElement, field: string): HTMLInputElement {
  const input = row.querySelector(`[data-field="${field}"]`);
  if (!(input instanceof HTMLInputElement)) throw new Error(`a variant row has no input "${field}"`);
  return input;
}
