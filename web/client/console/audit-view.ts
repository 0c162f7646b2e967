import type { AdminApi } from "./admin-api.ts";
import { changes } from "./changes.ts";
import { details } from "./details.ts";
import { h } from "./dom.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";

/** One change of the audit log: who did what when to which thing (`subject`), before and after. */
export interface AuditRow<T> {
  at: number;
  actor: string;
  action: string;
  /** What was changed, as the table names it: "earbuds-pro v3". */
  subject: string;
  before: T | null;
  after: T;
}

export type AuditHeadings = readonly [when: string, who: string, action: string, subject: string, what: string];

const SALE_HEADINGS: AuditHeadings = ["When", "Who", "Action", "Sale", "What changed"];

/** Audit entries, newest first, each with what it changed, in the details panel. */
export function showAuditRows<T>(
  title: string,
  entries: readonly AuditRow<T>[],
  changesOf: (before: T | null, after: T) => string[],
  headings: AuditHeadings = SALE_HEADINGS,
): void {
  const rows = entries.map((entry) =>
    h(
      "tr",
      {},
      h("td", {}, when(entry.at)),
      h("td", {}, entry.actor),
      h("td", {}, entry.action),
      h("td", {}, entry.subject),
      h(
        "td",
        {},
        h(
          "ul",
          { class: "changes" },
          changesOf(entry.before, entry.after).map((line) => h("li", {}, line)),
        ),
      ),
    ),
  );
  details.open(
    title,
    h(
      "table",
      { "data-view": "audit" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headings.map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

/** The audit log, newest first: of one sale, or of every sale when `sku` is null. */
export async function showAudit(api: AdminApi, sku: string | null): Promise<void> {
  const result = await api.audit(sku);
  if (!result.ok) return flash(`Could not read the audit log: ${result.error.message}`, true);
  const rows = result.data.entries.map((entry) => ({ ...entry, subject: `${entry.sku} v${entry.after.version}` }));
  showAuditRows(sku ? `Audit log of ${sku}` : "Audit log", rows, changes);
}
