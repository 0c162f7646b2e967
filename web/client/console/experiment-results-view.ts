import type { AdminApi } from "./admin-api.ts";
import type { ExperimentResults } from "./api-types.ts";
import { details } from "./details.ts";
import { h } from "./dom.ts";
import { flash } from "./flash.ts";
import { money } from "./format.ts";

type VariantResult = ExperimentResults["variants"][number];
type Estimate = NonNullable<VariantResult["primary"]>;

/**
 * An experiment's results (issue 13): per variant the shoppers exposed, their conversions,
 * the primary metric with its 95 % interval, the uplift and p-value against the control,
 * and, above everything, a warning when the split is not the configured one (sample-ratio
 * mismatch, p < 0.001), since then no other number on the page can be trusted.
 */
export async function showExperimentResults(api: AdminApi, key: string, name: string): Promise<void> {
  const result = await api.experimentResults(key);
  if (!result.ok) return flash(`Could not read the results: ${result.error.message}`, true);
  details.open(`Results of ${name}`, resultsView(result.data));
}

export function resultsView(results: ExperimentResults): HTMLElement {
  const comparisonOf = new Map(results.comparisons.map((c) => [c.variant, c]));
  const revenue = results.metric === "revenue";
  const rows = results.variants.map((v, i) => {
    const comparison = comparisonOf.get(v.variant);
    return h(
      "tr",
      { "data-variant": v.variant },
      h("td", {}, h("strong", {}, v.name), " ", h("span", { class: "muted" }, v.variant, i === 0 ? " · control" : "")),
      h("td", {}, v.weight),
      h("td", { "data-cell": "shoppers" }, v.shoppers.toLocaleString()),
      h("td", {}, v.checkouts.toLocaleString()),
      h("td", {}, v.payments.toLocaleString()),
      h("td", { "data-cell": "primary" }, v.primary ? formatValue(v.primary.value, revenue) : "–"),
      h("td", { "data-cell": "ci" }, v.primary ? interval(v.primary, revenue) : "–"),
      h("td", { "data-cell": "uplift" }, i === 0 ? "–" : comparison?.uplift == null ? "–" : signedPercent(comparison.uplift)),
      h(
        "td",
        { "data-cell": "p", class: comparison && comparison.pValue < 0.05 ? "significant" : "" },
        i === 0 || !comparison ? "–" : formatP(comparison.pValue),
      ),
    );
  });
  const { srm } = results;
  const srmNote = srm.mismatch
    ? h(
        "p",
        { class: "srm-warning", role: "alert", "data-srm": "mismatch" },
        `⚠ Sample ratio mismatch: the shoppers per variant are not the configured split (χ² = ${srm.chiSquare.toFixed(2)}, ${pText(srm.pValue)}; flagged below 0.001). ` +
          "Something assigns, shows or reports one variant more than the other; do not act on these results until it is found.",
      )
    : h("p", { class: "muted", "data-srm": "ok" }, `Split as configured (χ² = ${srm.chiSquare.toFixed(2)}, ${pText(srm.pValue)}).`);
  const metric = { checkout: "conversion to checkout", payment: "conversion to payment", revenue: "revenue per shopper" }[results.metric];
  return h(
    "div",
    { "data-view": "experiment-results" },
    srmNote,
    h(
      "p",
      { class: "muted" },
      `Primary metric: ${metric}, 95 % intervals; ${revenue ? "Welch's t-test" : "two-proportion z-test"} against the control. `,
      `Status ${results.status}; computed ${new Date(results.computedAt).toLocaleTimeString()}.`,
    ),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Variant", "Weight", "Shoppers", "Checkouts", "Paid", revenue ? "Revenue/shopper" : "Rate", "95 % CI", "Uplift", "p-value"].map(
            (t) => h("th", {}, t),
          ),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

const formatValue = (value: number, revenue: boolean) => (revenue ? money(Math.round(value)) : percent(value));
const interval = (e: Estimate, revenue: boolean) => `${formatValue(e.low, revenue)} – ${formatValue(e.high, revenue)}`;
const percent = (rate: number) => `${(rate * 100).toFixed(2)} %`;
const signedPercent = (ratio: number) => `${ratio >= 0 ? "+" : ""}${(ratio * 100).toFixed(1)} %`;
const formatP = (p: number) => (p < 0.0001 ? "< 0.0001" : p.toFixed(4));
const pText = (p: number) => (p < 0.0001 ? "p < 0.0001" : `p = ${p.toFixed(4)}`);
