import { z } from "@hono/zod-openapi";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { orders } from "../../../src/db/schema.ts";
import { presaleState } from "../../../src/presale/presale-state.ts";
import type { PresaleOrderSummary } from "../../../src/presale-view/presale-timeline.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { sessionLimit } from "./rate-limit.ts";
import { session } from "./session.ts";

const PRESALE_STATES = ["deposit_pending", "deposit_paid", "balance_due", "paid", "forfeited", "cancelled", "expired"] as const;

export const presaleOrderSummarySchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    qty: z.number().int(),
    totalAmount: z.number().int().describe("deposit + balance, fen"),
    status: z.string().describe("the order's stored status"),
    expiresAt: z.number().int().nullable().describe("while the deposit is unpaid: when the hold runs out, epoch ms"),
    presale: z
      .object({
        deposit: z.number().int(),
        depositWorth: z.number().int(),
        balance: z.number().int(),
        balanceOpensAt: z.number().int(),
        balanceClosesAt: z.number().int(),
        forfeit: z.enum(["keep", "refund"]),
        depositPaidAt: z.number().int().nullable(),
        depositRef: z.string().nullable(),
        balancePaidAt: z.number().int().nullable(),
        state: z.enum(PRESALE_STATES),
      })
      .openapi("PresaleOrderLine"),
  })
  .openapi("PresaleOrderSummary");

// The schema answers what the pages read.
type _Agrees = z.output<typeof presaleOrderSummarySchema> extends PresaleOrderSummary ? true : never;
const _agrees: _Agrees = true;
void _agrees;

const list = contractRoute({
  method: "get",
  path: "/me/presale-orders",
  tags: ["orders"],
  summary: "The shopper's presale orders, newest first, each with its state and deadlines",
  description:
    "Read from Postgres (the orders as the order sink last wrote them), so a payment made a moment ago may show a moment later; the order page reads the order itself. The last 50.",
  middleware: [sessionLimit, session],
  responses: {
    200: {
      description: "the last 50 presale orders",
      content: { "application/json": { schema: z.object({ orders: z.array(presaleOrderSummarySchema) }).openapi("PresaleOrders") } },
    },
  },
});

/** "My presale orders" on /me (issue 19). */
export const presaleOrders = contractApp().openapi(list, async (c) => {
  const rows = await withDatabase(databaseSettings(c.env), (db) =>
    db
      .select()
      .from(orders)
      .where(and(eq(orders.shopperId, c.get("shopperId")), isNotNull(orders.presale)))
      .orderBy(desc(orders.createdAt))
      .limit(50),
  );
  const now = Date.now();
  const answer = rows.flatMap((row) =>
    row.presale
      ? [
          {
            id: row.id,
            sku: row.sku,
            qty: row.qty,
            totalAmount: row.totalAmount,
            status: row.status,
            expiresAt: row.expiresAt?.getTime() ?? null,
            // The SKU object's rule (a closed window reads forfeited before the alarm writes it).
            presale: {
              ...row.presale,
              state: presaleState({ status: row.status, expiresAt: row.expiresAt?.getTime() ?? null, presale: row.presale }, now),
            },
          },
        ]
      : [],
  );
  return c.json({ orders: answer }, 200);
});
