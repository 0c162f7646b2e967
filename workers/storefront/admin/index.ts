import { Hono } from "hono";
import { databaseSettings } from "../../../src/config.ts";
import { openDatabase } from "../../../src/db/client.ts";
import { unwrap } from "../../../src/errors.ts";
import { orderTotalsBySku } from "../../../src/orders/order-sink.ts";
import { reconcile } from "../../../src/orders/reconcile.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import type { AppEnv } from "../app-env.ts";
import { adminAuth } from "./auth.ts";
import { adminDeadLetters } from "./dead-letters.ts";
import { adminSales } from "./sales.ts";

/** The admin API under /admin/api: reconciliation, sale management (issue 6, ./sales.ts) and dead letters (./dead-letters.ts). */
export const adminApi = new Hono<AppEnv>()
  .use(adminAuth)
  /**
   * Each SKU object's counts against Postgres. Each object first writes its outbox, so a
   * difference that remains is a real one, or Postgres is unreachable (outboxPending), or
   * refused some rows (deadLettered): none of those is consistent.
   */
  .get("/reconciliation", async (c) => {
    const sales = await new SaleCatalog(c.env.SALES).list();
    const { db, close } = openDatabase(databaseSettings(c.env));
    try {
      const reports = await Promise.all(
        sales.map(async (sale) => {
          const object = c.env.SKU_SALE.getByName(sale.sku);
          await object.flushOutbox();
          const counts = unwrap(await object.counts());
          const totals = await orderTotalsBySku(db, sale.sku);
          return reconcile(sale.sku, counts.unitsByStatus, totals.unitsByStatus, counts.outbox);
        }),
      );
      c.header("Cache-Control", "no-store");
      return c.json({ checkedAt: Date.now(), consistent: reports.every((r) => r.consistent), skus: reports });
    } finally {
      c.executionCtx.waitUntil(close());
    }
  })
  .route("/", adminSales)
  .route("/", adminDeadLetters);
