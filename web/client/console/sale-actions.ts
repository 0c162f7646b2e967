import type { AdminApi } from "./admin-api.ts";
import type { SaleConfig } from "./api-types.ts";
import { flash } from "./flash.ts";
import { draftOf } from "./sale-draft.ts";

/**
 * A row's one-click changes to a running sale. Each ends with `done` (the lists refresh),
 * whether it was taken or refused, so the row shows what is in effect.
 */

/** Pause or resume: checkouts are refused (409 `sale_paused`) at once, or taken again. */
export async function setPaused(api: AdminApi, sale: SaleConfig, paused: boolean, done: () => void): Promise<void> {
  const result = await api.setPaused(sale.sku, paused);
  if (result.ok) flash(`${paused ? "Paused" : "Resumed"} ${sale.title}${result.data.changed ? "" : ": it already was"}`);
  else flash(`Could not ${paused ? "pause" : "resume"} ${sale.title}: ${result.error.message}`, true);
  done();
}

/**
 * Adds units: a full update from the version shown, so a concurrent edit is never
 * overwritten (the API answers 409 and the marketer sees why).
 */
export async function topUp(api: AdminApi, sale: SaleConfig, input: HTMLInputElement, done: () => void): Promise<void> {
  const add = Number(input.value);
  if (!Number.isInteger(add) || add <= 0) return flash("Enter how many units to add: a whole number above 0.", true);
  const result = await api.update(sale.sku, { ...draftOf(sale), stock: sale.stock + add, expectedVersion: sale.version });
  if (result.ok) {
    input.value = "";
    flash(`Stock of ${sale.title} is now ${result.data.sale.stock}.`);
  } else {
    flash(`Top-up refused: ${result.error.problems ? result.error.problems.join("; ") : result.error.message}`, true);
  }
  done();
}
