import { z } from "@hono/zod-openapi";
import { claimsReport } from "../../../src/membership/claims-report.ts";
import { TierCatalog } from "../../../src/membership/tier-catalog.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { readDatabase } from "./read-database.ts";

/**
 * Price protection under /admin/api (issue 16): the credits paid, what they cost in total, by
 * SKU and by day (in the shop's time zone), filtered by SKU, source and claim time.
 */

const claimSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  shopperId: z.string(),
  sku: z.string(),
  paidUnitPrice: minorUnits,
  dropPrice: minorUnits,
  dropAt: epochMs,
  perUnit: minorUnits,
  units: int,
  amount: minorUnits,
  source: z.string().describe("shopper (a claim) or scan (the automatic scan)"),
  refundId: z.string().nullable().describe("the order_refunds row the credit was paid back through"),
  at: epochMs,
});
const figure = { claims: int, amount: minorUnits };

const listRoute = adminRoute({
  method: "get",
  path: "/price-protection/claims",
  admits: "readSales",
  summary: "Price-protection credits paid and their cost: in total, by SKU and by day, and the newest claims",
  request: {
    query: z.object({
      sku: z.string().max(63).optional(),
      source: z.enum(["shopper", "scan"]).optional(),
      from: z.coerce.number().int().nonnegative().optional().describe("claims at or after (epoch ms)"),
      to: z.coerce.number().int().nonnegative().optional().describe("claims before (epoch ms)"),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: {
      description: "the report",
      headers: noStore("claims are paid every minute"),
      content: {
        "application/json": {
          schema: z
            .object({
              timeZone: z.string(),
              total: z.object(figure),
              bySku: z.array(z.object({ sku: z.string(), ...figure })),
              byDay: z.array(z.object({ day: z.string().describe("YYYY-MM-DD in the shop's time zone"), ...figure })),
              claims: z.array(claimSchema),
            })
            .openapi("PriceProtectionReport"),
        },
      },
    },
  },
  errors: ["invalid_request", "dependency_unavailable"],
});

export const adminPriceProtection = contractApp().openapi(listRoute, async (c) => {
  const { timeZone } = await new TierCatalog(c.env.SALES).current();
  const report = await readDatabase(c.env, { what: "the price-protection claims", log: "price protection", timeoutMs: 10_000 }, (db) =>
    claimsReport(db, c.req.valid("query"), timeZone),
  );
  c.header("Cache-Control", "no-store");
  return c.json({ timeZone, ...report }, 200);
});
