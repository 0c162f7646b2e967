import type { AdminApi } from "./admin-api.ts";
import type { SaleConfig } from "./api-types.ts";
import { changes } from "./changes.ts";
import { details } from "./details.ts";
import { h } from "./dom.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";

/** A sale's saved versions, newest first, each with what it changed from the one before. */
export async function showHistory(api: AdminApi, sale: SaleConfig): Promise<void> {
  const result = await api.history(sale.sku);
  if (!result.ok) return flash(`Could not read the history: ${result.error.message}`, true);
  const { versions } = result.data;
  const rows = versions.map((version, i) =>
    h(
      "tr",
      {},
      h("td", {}, `v${version.version}`),
      h("td", {}, when(version.updatedAt)),
      h("td", {}, version.updatedBy || "written to KV directly"),
      h(
        "td",
        {},
        h(
          "ul",
          { class: "changes" },
          changes(versions[i + 1] ?? null, version).map((line) => h("li", {}, line)),
        ),
      ),
    ),
  );
  details.open(
    `History of ${sale.title}`,
    h(
      "table",
      { "data-view": "history" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Version", "Saved", "By", "Changes"].map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}
