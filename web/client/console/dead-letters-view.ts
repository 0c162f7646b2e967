import type { AdminApi } from "./admin-api.ts";
import type { SaleConfig } from "./api-types.ts";
import { needs } from "./capabilities.ts";
import { details } from "./details.ts";
import { h } from "./dom.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";

/**
 * A sale's dead letters (issue 10): order changes Postgres refused for their data, parked so
 * the orders behind them could land. Only order ids and the refusal, never the rows. "Retry
 * all" puts them back once the cause is fixed; `retried` runs after (the lists refresh).
 */
export async function showDeadLetters(api: AdminApi, sale: SaleConfig, retried: () => void): Promise<void> {
  const result = await api.deadLetters(sale.sku);
  if (!result.ok) return flash(`Could not read the dead letters: ${result.error.message}`, true);
  const { total, deadLetters } = result.data;
  if (total === 0) {
    return details.open(
      `Dead letters of ${sale.title}`,
      h("p", { "data-view": "dead-letters" }, "None: every order of this sale reached Postgres or is on its way."),
    );
  }
  const rows = deadLetters.map((letter) =>
    h(
      "tr",
      {},
      h("td", {}, letter.orderId),
      h("td", {}, letter.reason || "–"),
      h("td", {}, when(letter.parkedAt)),
      h("td", {}, letter.failure.summary),
    ),
  );
  const retry = h(
    "button",
    { type: "button", "data-action": "retry-dead-letters", ...needs("retryDeadLetters"), onclick: () => void retryAll(api, sale, retried) },
    "Retry all",
  );
  details.open(
    `Dead letters of ${sale.title}`,
    h(
      "div",
      { "data-view": "dead-letters" },
      h(
        "p",
        {},
        `${total} change(s) Postgres refused, parked so the orders behind them could land. Fix the cause (say, a migration), then retry.`,
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
            ["Order", "Change", "Parked", "Refusal"].map((t) => h("th", {}, t)),
          ),
        ),
        h("tbody", {}, rows),
      ),
      retry,
    ),
  );
}

async function retryAll(api: AdminApi, sale: SaleConfig, retried: () => void): Promise<void> {
  const result = await api.retryDeadLetters(sale.sku);
  if (!result.ok) return flash(`Retry failed: ${result.error.message}`, true);
  const { requeued, deadLettered } = result.data;
  flash(
    deadLettered === 0 ? `${requeued} change(s) written to Postgres.` : `${deadLettered} of ${requeued} change(s) refused again.`,
    deadLettered > 0,
  );
  void showDeadLetters(api, sale, retried);
  retried();
}
