import { h } from "./dom.ts";

/** One choice of a tick list: its value and what the marketer reads. */
export interface TickOption {
  value: string;
  label: string;
}

/**
 * A list of checkboxes named `name` in `container`: the options, ticked where `picked` says. A
 * picked value no option offers any more (a template or store since removed) is kept, ticked
 * and shown by its value, so saving shows the API's problem at its field instead of dropping it
 * silently. No options at all: `empty` says where to make one.
 */
export function renderTickList(container: HTMLElement, name: string, options: TickOption[], picked: Iterable<string>, empty: string): void {
  const ticked = new Set(picked);
  const labels = new Map(options.map((option) => [option.value, option.label]));
  const values = [...new Set([...options.map((option) => option.value), ...ticked])];
  container.replaceChildren(
    ...(values.length === 0
      ? [h("p", { class: "muted" }, empty)]
      : values.map((value) =>
          h(
            "label",
            { class: "inline" },
            h("input", { type: "checkbox", name, value, checked: ticked.has(value) }),
            ` ${labels.get(value) ?? value} (${value})`,
          ),
        )),
  );
}

/** The values ticked in the form's list `name`, in the order shown. */
export function tickedValues(form: HTMLFormElement, name: string): string[] {
  return [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((box) => box.value);
}
