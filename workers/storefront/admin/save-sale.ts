import { sql } from "drizzle-orm";
import type { AppliedConfig } from "../../../durable-objects/sku-sale/index.ts";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { withTimeout } from "../../../src/timeout.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { recordAudit, type AuditAction } from "../../../src/sales/audit-log.ts";
import { recordSkuPrice, sellingPriceOf } from "../../../src/membership/price-history.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import type { SaleConfig } from "../../../src/sales/sale-config.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { saleSaved } from "../api/edge-verdict.ts";
import { skuObject } from "../api/sku-object.ts";
import { purgeSalePages } from "../pages/page-cache.ts";

/** How long Postgres may take to prove it answers before a save is refused. */
const AUDIT_PROBE_TIMEOUT_MS = 5_000;

export interface SaleChange {
  action: AuditAction;
  actor: string;
  /** The complete new configuration, its `version` one above the version it was edited from. */
  config: SaleConfig;
}

export interface SaveOptions {
  /**
   * The shop's origin as the saving request saw it (`new URL(c.req.url).origin`): the cached
   * pages under it that show this sale are purged once the change is in KV. Without it nothing
   * is purged and the pages turn over within the edge cache's policy (5 s fresh + 30 s stale).
   */
  pagesOrigin?: string;
}

/**
 * Saves a change to a sale (issue 6), in an order chosen so nothing is half written:
 *
 * 1. Postgres must answer first. The audit log lives there, and a change that cannot be
 *    audited is refused (503) before anything else is touched.
 * 2. The SKU's object adopts the change, or refuses it (version conflict, stock below the
 *    units sold or held) with nothing changed anywhere. From here the change is live.
 * 3. KV gets the version (history, then current): pages, listings and a restarted object
 *    read it there. The object never steps back to an older KV version meanwhile.
 * 4. The cached pages that show the sale are purged (issue 11). After KV, not after the
 *    object: the pages read the sale from KV, and a page rendered between a purge and the KV
 *    write would cache the old one again. Awaited, not left to `waitUntil`: when the save is
 *    answered the marketer's own data centre shows it, which is what they check next; it is
 *    a few local cache deletes. A failed purge is logged and fails nothing.
 * 5. The audit row: who, when, before and after.
 *
 * After step 2 the change is in effect, so the later steps are completed even if one fails.
 * A failed KV write is answered 503 (the next save writes KV again, whole); a failed audit
 * insert, which needs Postgres to fail within the moments since step 1, is logged with the
 * complete entry so it can be replayed.
 */
export async function saveSale(env: Env, change: SaleChange, options: SaveOptions = {}): Promise<AppliedConfig> {
  return withDatabase(databaseSettings(env), async (db) => {
    await withTimeout(db.execute(sql`select 1`), AUDIT_PROBE_TIMEOUT_MS).catch(() => {
      throw new AppError("dependency_unavailable", "the audit log (Postgres) is unreachable, so nothing was saved; try again shortly");
    });

    const applied = unwrap(await skuObject(env, change.config.sku).applyConfig(change.config));
    const sku = applied.after.sku;
    // Live from here: this isolate's shoppers reach it at once, not after its "no sale" or "sold out" expires (issue 12).
    saleSaved(applied.after);

    const kvWrite = await new SaleCatalog(env.SALES).put(applied.after).then(
      () => null,
      (error: Error) => error,
    );

    if (options.pagesOrigin) {
      await purgeSalePages(sku, options.pagesOrigin).catch((error: Error) => {
        console.error(
          `sale ${sku}: cached pages not purged (${redactSecrets(error.message)}); they turn over within the edge cache's policy`,
        );
      });
    }

    const entry = {
      at: change.config.updatedAt ?? Date.now(),
      actor: change.actor,
      action: change.action,
      sku,
      before: applied.before,
      after: applied.after,
    };
    // Price protection's history (issue 16): the price the sale sells at from now, if it changed.
    const sellingPrice = sellingPriceOf(applied.snapshot);
    if (sellingPrice !== null) {
      await recordSkuPrice(db, { sku, price: sellingPrice, at: entry.at, source: "admin" }).catch((error: unknown) => {
        console.error(
          `sale ${sku}: selling price not recorded (${describeDatabaseFailure(error).summary}); the scan records it within a minute`,
        );
      });
    }
    await recordAudit(db, entry).catch((error: unknown) => {
      // The failure's summary only (drizzle's message repeats the statement); the entry is logged whole to be replayed.
      console.error(`audit: row not written (${describeDatabaseFailure(error).summary}); entry: ${JSON.stringify(entry)}`);
    });

    if (kvWrite) {
      console.error(`sale ${sku}: version ${applied.after.version} is live but KV was not written: ${redactSecrets(kvWrite.message)}`);
      throw new AppError(
        "dependency_unavailable",
        `the running sale has version ${applied.after.version}, but it could not be stored in KV; save again to store it`,
        { version: applied.after.version },
      );
    }
    return applied;
  });
}
