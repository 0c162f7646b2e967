import { z } from "@hono/zod-openapi";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { unwrap } from "../../../src/errors.ts";
import { orderTotalsBySku } from "../../../src/orders/order-sink.ts";
import { reconcile, type SkuReconciliation } from "../../../src/orders/reconcile.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { orderStatusSchema } from "../api/present.ts";
import { skuObject } from "../api/sku-object.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { LIVE_NUMBERS } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { adminCoupons } from "./coupons.ts";
import { adminCrm } from "./crm.ts";
import { adminExperiments } from "./experiments.ts";
import { adminMetrics } from "./metrics.ts";
import { adminPropagation } from "./propagation.ts";
import { adminDeadLetters } from "./dead-letters.ts";
import { adminSales } from "./sales.ts";
import { adminShoppers } from "./shoppers.ts";
import { adminStaff } from "./staff.ts";
import { adminStoreCouponStats } from "./store-coupon-stats.ts";
import { adminStores } from "./stores.ts";
import { adminTeamCampaigns } from "./team-campaigns.ts";
import { adminLivestreams } from "./livestreams.ts";
import { adminInvoices } from "./invoices.ts";
import { adminAdReport } from "./ad-report.ts";
import { adminMemberTiers } from "./member-tiers.ts";
import { adminPriceProtection } from "./price-protection.ts";
import { adminPointsRefunds } from "./points-refunds.ts";
import { adminAdviserBoard } from "./adviser-board.ts";
import { adminSegments } from "./segments.ts";
import { adminSequences } from "./sequences.ts";
import { adminAdvisers } from "./advisers.ts";
import { adminConversations } from "./conversations.ts";
import { adminAudiences } from "./audiences.ts";
import { adminAdCampaigns } from "./ad-campaigns.ts";
import { adminAdCreatives } from "./ad-creatives.ts";
import { adminRecommendations } from "./recommendations.ts";
import { adminForecasts } from "./forecasts.ts";

const unitsByStatus = z
  .object({ pending_payment: int, deposit_paid: int, paid: int, cancelled: int, expired: int, forfeited: int })
  .describe("units by order status");

const skuReconciliationSchema = z
  .object({
    sku: z.string(),
    object: unitsByStatus,
    postgres: unitsByStatus,
    outboxPending: int.describe("changes not yet written to Postgres: the outbox could not be drained just now"),
    deadLettered: int.describe("changes Postgres refused for their data, parked in the object until an operator retries them"),
    differences: z.array(z.object({ status: orderStatusSchema, object: int, postgres: int })),
    consistent: z.boolean().describe("Postgres holds exactly what the object counts, and nothing is pending or parked"),
  })
  .openapi("SkuReconciliation");

export type ReconciliationSchemaMatchesCode = Holds<Describes<z.output<typeof skuReconciliationSchema>, SkuReconciliation>>;

const reconciliation = adminRoute({
  method: "get",
  path: "/reconciliation",
  admits: "reconcile",
  summary: "Each SKU object's unit counts against Postgres",
  description:
    "Every configured SKU's object first writes its outbox, then its counts by status are compared with Postgres. A SKU is consistent only when nothing differs and nothing is still in its outbox (`outboxPending`) or parked as a dead letter (`deadLettered`); the top-level `consistent` requires every SKU to be. `npm run reconcile` calls this.",
  responses: {
    200: {
      description: "the report",
      headers: LIVE_NUMBERS,
      content: {
        "application/json": {
          schema: z
            .object({
              checkedAt: epochMs,
              consistent: z.boolean().describe("true only when every SKU is consistent"),
              skus: z.array(skuReconciliationSchema),
            })
            .openapi("Reconciliation"),
        },
      },
    },
  },
  errors: ["not_found", "dependency_unavailable"],
});

/**
 * The admin API under /admin/api: reconciliation, sale management (issue 6, ./sales.ts) and
 * dead letters (./dead-letters.ts). Every route is an admin contract (contract/admin-route.ts),
 * which authenticates it and admits the roles of its capability.
 */
export const adminApi = contractApp()
  /**
   * Each SKU object's counts against Postgres. Each object first writes its outbox, so a
   * difference that remains is a real one, or Postgres is unreachable (outboxPending), or
   * refused some rows (deadLettered): none of those is consistent.
   */
  .openapi(reconciliation, async (c) => {
    const sales = await new SaleCatalog(c.env.SALES).list();
    const reports = await withDatabase(databaseSettings(c.env), (db) =>
      Promise.all(
        sales.map(async (sale) => {
          const object = skuObject(c.env, sale.sku);
          await object.flushOutbox();
          const counts = unwrap(await object.counts());
          const totals = await orderTotalsBySku(db, sale.sku);
          return reconcile(sale.sku, counts.unitsByStatus, totals.unitsByStatus, counts.outbox);
        }),
      ),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ checkedAt: Date.now(), consistent: reports.every((r) => r.consistent), skus: reports }, 200);
  })
  .route("/", adminSales)
  .route("/", adminDeadLetters)
  .route("/", adminStaff)
  .route("/", adminExperiments)
  .route("/", adminShoppers)
  .route("/", adminMetrics)
  .route("/", adminCoupons)
  .route("/", adminTeamCampaigns)
  .route("/", adminPropagation)
  .route("/", adminStoreCouponStats)
  .route("/", adminStores)
  .route("/", adminLivestreams)
  .route("/", adminInvoices)
  .route("/", adminMemberTiers)
  .route("/", adminPriceProtection)
  .route("/", adminPointsRefunds)
  .route("/", adminCrm)
  .route("/", adminAdviserBoard)
  .route("/", adminSegments)
  .route("/", adminSequences)
  .route("/", adminAdvisers)
  .route("/", adminConversations)
  .route("/", adminAudiences)
  .route("/", adminAdCampaigns)
  .route("/", adminAdCreatives)
  .route("/", adminRecommendations)
  .route("/", adminAdReport)
  .route("/", adminForecasts);
