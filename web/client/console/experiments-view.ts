import type { AdminApi } from "./admin-api.ts";
import type { ExperimentConfig } from "./api-types.ts";
import { needs } from "./capabilities.ts";
import { details } from "./details.ts";
import { h } from "./dom.ts";
import type { ExperimentEditor } from "./experiment-editor.ts";
import { showExperimentResults } from "./experiment-results-view.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";

/**
 * The experiments (issue 13), in the details panel: each with its surface, status, split and
 * metric, and what the role may do to it: results, edit, start a draft, stop a running one.
 * Every action redraws the list.
 */
export async function showExperiments(api: AdminApi, editor: ExperimentEditor): Promise<void> {
  const result = await api.experiments();
  if (!result.ok) return flash(`Could not read the experiments: ${result.error.message}`, true);
  const redraw = () => void showExperiments(api, editor);
  const move = async (experiment: ExperimentConfig, action: "start" | "stop") => {
    const moved = await api.moveExperiment(experiment.key, action);
    if (!moved.ok) return flash(`Could not ${action} ${experiment.name}: ${moved.error.message}`, true);
    flash(`${experiment.name} is ${moved.data.experiment.status} (version ${moved.data.experiment.version}).`);
    redraw();
  };
  const rows = result.data.experiments.map((experiment) =>
    h(
      "tr",
      { "data-experiment": experiment.key, "data-status": experiment.status },
      h("td", {}, h("strong", {}, experiment.name), h("div", { class: "muted" }, experiment.key)),
      h("td", {}, experiment.surface),
      h(
        "td",
        { "data-cell": "status" },
        experiment.status,
        experiment.startedAt ? h("div", { class: "muted" }, `since ${when(experiment.startedAt)}`) : "",
      ),
      h("td", {}, experiment.variants.map((v) => `${v.name} ${v.weight}`).join(" / ")),
      h("td", {}, experiment.primaryMetric),
      h(
        "td",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            "data-action": "results",
            onclick: () => void showExperimentResults(api, experiment.key, experiment.name),
          },
          "Results",
        ),
        experiment.status !== "stopped" &&
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              "data-action": "edit",
              ...needs("editExperiments"),
              onclick: () => editor.open(experiment),
            },
            "Edit",
          ),
        experiment.status === "draft" &&
          h(
            "button",
            { type: "button", "data-action": "start", ...needs("editExperiments"), onclick: () => void move(experiment, "start") },
            "Start",
          ),
        experiment.status === "running" &&
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              "data-action": "stop",
              ...needs("editExperiments"),
              onclick: () => void move(experiment, "stop"),
            },
            "Stop",
          ),
      ),
    ),
  );
  details.open(
    "A/B experiments",
    h(
      "div",
      { "data-view": "experiments" },
      h(
        "p",
        {},
        h(
          "button",
          { type: "button", id: "new-experiment", ...needs("editExperiments"), onclick: () => editor.open(null) },
          "New experiment",
        ),
      ),
      rows.length
        ? h(
            "table",
            {},
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Experiment", "Surface", "Status", "Split", "Metric", ""].map((t) => h("th", {}, t)),
              ),
            ),
            h("tbody", {}, rows),
          )
        : h("p", { class: "muted" }, "No experiment yet."),
    ),
  );
}
