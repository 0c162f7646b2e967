import type { AdminApi } from "./admin-api.ts";
import type { SaleConfig } from "./api-types.ts";
import { changes } from "./changes.ts";
import { details } from "./details.ts";
import { h } from "./dom.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";

/** A saved version as the server keeps it: its number, when and by whom. */
export interface SavedVersion {
  version: number;
  updatedAt: number | null;
  updatedBy: string | null;
}

/** The table's words: its headings and the author of a version nobody saved through the API. */
export interface HistoryWords {
  headings: readonly [version: string, saved: string, by: string, changes: string];
  unknownAuthor: string;
}

const HISTORY_WORDS: HistoryWords = { headings: ["Version", "Saved", "By", "Changes"], unknownAuthor: "written to KV directly" };

/** Saved versions, newest first, each with what it changed from the one before, in the details panel. */
export function showVersions<T extends SavedVersion>(
  title: string,
  versions: readonly T[],
  changesOf: (before: T | null, after: T) => string[],
  words: HistoryWords = HISTORY_WORDS,
): void {
  const rows = versions.map((version, i) =>
    h(
      "tr",
      {},
      h("td", {}, `v${version.version}`),
      h("td", {}, when(version.updatedAt)),
      h("td", {}, version.updatedBy || words.unknownAuthor),
      h(
        "td",
        {},
        h(
          "ul",
          { class: "changes" },
          changesOf(versions[i + 1] ?? null, version).map((line) => h("li", {}, line)),
        ),
      ),
    ),
  );
  details.open(
    title,
    h(
      "table",
      { "data-view": "history" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          words.headings.map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

/** A sale's saved versions, newest first. */
export async function showHistory(api: AdminApi, sale: SaleConfig): Promise<void> {
  const result = await api.history(sale.sku);
  if (!result.ok) return flash(`Could not read the history: ${result.error.message}`, true);
  showVersions(`History of ${sale.title}`, result.data.versions, changes);
}
