import type { AdminApi } from "./admin-api.ts";
import { changes } from "./changes.ts";
import { details } from "./details.ts";
import { h } from "./dom.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";

/** The audit log, newest first: of one sale, or of every sale when `sku` is null. */
export async function showAudit(api: AdminApi, sku: string | null): Promise<void> {
  const result = await api.audit(sku);
  if (!result.ok) return flash(`Could not read the audit log: ${result.error.message}`, true);
  const rows = result.data.entries.map((entry) =>
    h(
      "tr",
      {},
      h("td", {}, when(entry.at)),
      h("td", {}, entry.actor),
      h("td", {}, entry.action),
      h("td", {}, `${entry.sku} v${entry.after.version}`),
      h(
        "td",
        {},
        h(
          "ul",
          { class: "changes" },
          changes(entry.before, entry.after).map((line) => h("li", {}, line)),
        ),
      ),
    ),
  );
  details.open(
    sku ? `Audit log of ${sku}` : "Audit log",
    h(
      "table",
      { "data-view": "audit" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["When", "Who", "Action", "Sale", "What changed"].map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}
