import { z } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { orderRefunds } from "../../../src/db/schema.ts";
import { AppError } from "../../../src/errors.ts";
import { pointsStatement } from "../../../src/membership/points-statement.ts";
import { pointsStatementSchema } from "../api/points-schema.ts";
import { objectOfOrderId } from "../../../src/orders/order.ts";
import { type OrderRefund, refundOrder } from "../api/refund-order.ts";
import { idempotencyKeyHeader } from "../api/validation.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { createMiddleware } from "hono/factory";
import { withContract } from "../contract/middleware-contract.ts";
import type { AppEnv } from "../app-env.ts";
import { auditActor } from "./auth.ts";
import { readDatabase } from "./read-database.ts";
import { JSON_INPUT_ERRORS, jsonInput } from "./request.ts";
import { orderParams } from "../api/order-param.ts";
import { knownForm, shopperParams } from "./shoppers.ts";

const refundBody = z
  .object({
    amount: int.positive("amount must be at least 1 fen").describe("fen to give back, at most what is left to refund"),
    units: int.nonnegative("units must be 0 or more").describe("units given back with it; 0 for money alone"),
    reason: z
      .enum(["return", "goodwill"])
      .describe("`return`: goods sent back; `goodwill`: money alone (price protection refunds by itself)"),
  })
  .strict()
  .openapi("RefundRequest");

export const refundSchema = z
  .object({
    id: z.string().describe("rfd_…"),
    orderId: z.string(),
    shopperId: z.string(),
    sku: z.string(),
    amount: minorUnits,
    units: int.nonnegative(),
    reason: z.string(),
    idempotencyKey: z.string(),
    providerRef: z.string().nullable(),
    actor: z.string(),
    at: epochMs,
  })
  .openapi("OrderRefund");
export type RefundSchemaMatchesCode = Holds<Describes<z.output<typeof refundSchema>, OrderRefund>>;

/** Reads an admin JSON body within its limit before the route's schema validates that one parse. */
export const adminJsonBody = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    await jsonInput(c);
    await next();
  }),
  { errors: [...JSON_INPUT_ERRORS], readsJsonBody: true, note: "Send `Content-Type: application/json`; a body over 256 KiB is 413." },
);

const LIVE = noStore("money and points, read as they are now");

const createRefund = adminRoute({
  method: "post",
  path: "/orders/{id}/refunds",
  admits: "refundOrders",
  middleware: [adminJsonBody],
  summary: "Refund a paid order, whole or in part, through the payment provider",
  description:
    "Checked with the order's row locked against what is left to refund (money and units), so concurrent refunds never give back more than was paid. The order's points are taken back in proportion in the same transaction. The same Idempotency-Key again returns the refund it made (`Idempotent-Replayed: true`); with other figures it is 422 `idempotency_conflict`.",
  request: {
    params: orderParams,
    headers: idempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: refundBody } } },
  },
  responses: {
    201: {
      description: "the refund (new, or the one this key made)",
      content: { "application/json": { schema: z.object({ refund: refundSchema }).openapi("RefundResult") } },
    },
  },
  errors: ["invalid_request", "not_found", "not_refundable", "idempotency_conflict", "dependency_unavailable"],
});

const listRefunds = adminRoute({
  method: "get",
  path: "/orders/{id}/refunds",
  admits: "readSales",
  summary: "An order's refunds, newest first",
  request: { params: orderParams },
  responses: {
    200: {
      description: "the refunds",
      headers: LIVE,
      content: {
        "application/json": { schema: z.object({ orderId: z.string(), refunds: z.array(refundSchema) }).openapi("OrderRefunds") },
      },
    },
  },
  errors: ["not_found", "dependency_unavailable"],
});

const shopperPoints = adminRoute({
  method: "get",
  path: "/shoppers/{id}/points",
  admits: "readShoppers",
  summary: "A shopper's points: balance, held, lapsing soon, and the latest ledger rows",
  description: "What the shopper sees at `GET /api/me/points`. A well-formed id of a shopper with no points is a zero balance.",
  request: { params: shopperParams },
  responses: { 200: { description: "the statement", headers: LIVE, content: { "application/json": { schema: pointsStatementSchema } } } },
  errors: ["not_found", "dependency_unavailable"],
});

const READ = { what: "refunds and points", log: "points-refunds", timeoutMs: 5_000 };

/**
 * Refunds and points for staff (issue 16): refund an order (the owner: money leaves the shop),
 * read its refunds, and read a shopper's points ledger; the console's "Points & refunds" view.
 */
export const adminPointsRefunds = contractApp()
  .openapi(createRefund, async (c) => {
    const orderId = knownOrder(c.req.valid("param").id);
    const { amount, units, reason } = c.req.valid("json");
    const { refund, replayed } = await refundOrder(c.env, {
      orderId,
      amount,
      units,
      reason,
      idempotencyKey: `admin:${c.req.valid("header")["Idempotency-Key"]}`,
      actor: auditActor(c),
    });
    if (replayed) c.header("Idempotent-Replayed", "true");
    return c.json({ refund }, 201);
  })
  .openapi(listRefunds, async (c) => {
    const orderId = knownOrder(c.req.valid("param").id);
    const rows = await readDatabase(c.env, READ, (db) =>
      db.select().from(orderRefunds).where(eq(orderRefunds.orderId, orderId)).orderBy(desc(orderRefunds.at)),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ orderId, refunds: rows.map((row) => ({ ...row, at: row.at.getTime() })) }, 200);
  })
  .openapi(shopperPoints, async (c) => {
    const shopperId = knownForm(c.req.valid("param").id);
    const statement = await readDatabase(c.env, READ, (db) => pointsStatement(db, shopperId, Date.now()));
    c.header("Cache-Control", "no-store");
    return c.json(statement, 200);
  });

function knownOrder(id: string): string {
  if (!objectOfOrderId(id)) throw new AppError("not_found", `no order ${id}`);
  return id;
}
