import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { priceProtectionClaims } from "../../../src/db/schema.ts";
import { AppError } from "../../../src/errors.ts";
import { memberStanding } from "../../../src/membership/member-standing.ts";
import { TierCatalog } from "../../../src/membership/tier-catalog.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { orderParams } from "./order-param.ts";
import { claimPriceProtection } from "./price-credit.ts";
import { addressLimit, sessionLimit, shopperLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { recomputeTiers } from "./tier-recompute.ts";
import { idempotencyKeyHeader, shopperWrite } from "./validation.ts";

/**
 * The shopper's membership (issue 16): their tier, progress and benefits, and their
 * price-protection credits (GET /api/me/membership); and the claim of an order's price
 * protection (POST /api/orders/{id}/price-protection). The standing is recomputed on read when
 * an order was paid or refunded since, or a day has passed (the 12-month window moved).
 */

const names = z.object({ "zh-CN": z.string(), en: z.string() });
const benefitsSchema = z.object({
  protectionDays: int.describe("days a paid order is price-protected, the purchase day being day 1"),
  pointsMultiplierPercent: int.describe("points earned per order, % of 1 point per whole yuan"),
  memberPricePercentOff: int,
  couponTemplates: z.array(z.string()).describe("coupon templates granted once on reaching the tier"),
  welcomePoints: int.describe("points granted once on reaching the tier"),
  perks: z.array(z.string()),
});
const creditSchema = z
  .object({
    orderId: z.string(),
    sku: z.string(),
    paidUnitPrice: minorUnits,
    dropPrice: minorUnits,
    dropAt: epochMs,
    units: int,
    amount: minorUnits.describe("refunded to the payment method the order was paid with"),
    source: z.enum(["shopper", "scan"]),
    at: epochMs,
  })
  .openapi("PriceProtectionCredit");

const membershipSchema = z
  .object({
    tier: z.string().nullable(),
    tierName: names.nullable(),
    spend12m: minorUnits.describe("paid orders of the last 365 days, less their refunds"),
    points12m: int.describe("points earned in the last 365 days (orders, e-invoices, uploads, grants; less reversals)"),
    next: z
      .object({ tier: z.string(), tierName: names, spendToGo: minorUnits.nullable(), pointsToGo: int.nullable(), percent: int })
      .nullable()
      .describe("the next tier and what is missing of either threshold; null at the top"),
    benefits: benefitsSchema,
    tierSince: epochMs.nullable(),
    recomputedAt: epochMs.nullable(),
    priceProtection: z.object({ total: minorUnits, credits: z.array(creditSchema).describe("the latest 20, newest first") }),
  })
  .openapi("Membership");

const myMembership = contractRoute({
  method: "get",
  path: "/me/membership",
  tags: ["membership"],
  summary: "The shopper's tier, progress to the next, benefits, and price-protection credits",
  description:
    'Rule (README "Member tiers"): a tier is reached by 12-month paid spend OR 12-month points; the highest reached counts. Recomputed on this read when due (an order paid or refunded since) or a day old. Without Postgres, 503.',
  middleware: [sessionLimit, session],
  responses: {
    200: {
      description: "the standing",
      headers: noStore("a shopper's own standing"),
      content: { "application/json": { schema: membershipSchema } },
    },
  },
  errors: ["dependency_unavailable"],
});

const claimRoute = contractRoute({
  method: "post",
  path: "/orders/{id}/price-protection",
  tags: ["orders", "membership"],
  summary: "Claim price protection: the difference to every lower price since payment, within the member's window",
  description:
    'Weighs the paid order against each price its SKU was sold at since (oldest first) and refunds what the rule owes (README "Price protection"): bought at ¥399, ¥349 pays ¥50, a later ¥329 pays ¥20 more. Once per drop, also when the automatic scan claims it at the same moment. Nothing owed: 409 `no_price_credit` with `reason`.',
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    params: orderParams,
    headers: idempotencyKeyHeader,
    body: { required: false, content: { "application/json": { schema: z.unknown().describe("nothing: send `{}` or no body") } } },
  },
  responses: {
    200: {
      description: "credited now",
      content: {
        "application/json": {
          schema: z.object({ orderId: z.string(), total: minorUnits, credits: z.array(creditSchema) }).openapi("PriceProtectionClaim"),
        },
      },
    },
  },
  errors: ["not_found", "no_price_credit", "not_refundable", "dependency_unavailable"],
});

/** The standing, recomputed first when due, never computed (no row yet), or a day old. */
async function standingWithRecompute(env: Env, shopperId: string, at: number) {
  const config = await new TierCatalog(env.SALES).current();
  const stale = await withDatabase(databaseSettings(env), async (db) => {
    const rows = await db.execute<{ due: boolean }>(
      sql`select recompute_due or recomputed_at is null or recomputed_at < ${new Date(at - 86_400_000).toISOString()} as due
        from members where shopper_id = ${shopperId}`,
    );
    return rows.rows[0]?.due ?? true;
  });
  if (stale) await recomputeTiers(env, [shopperId], at, config);
  return withDatabase(databaseSettings(env), async (db) => {
    const standing = await memberStanding(db, shopperId, config);
    const rows = await db
      .select()
      .from(priceProtectionClaims)
      .where(sql`${priceProtectionClaims.shopperId} = ${shopperId}`)
      .orderBy(sql`${priceProtectionClaims.at} desc`)
      .limit(20);
    const [sum] = await db
      .select({ total: sql<string>`coalesce(sum(${priceProtectionClaims.amount}), 0)` })
      .from(priceProtectionClaims)
      .where(sql`${priceProtectionClaims.shopperId} = ${shopperId}`);
    return {
      ...standing,
      priceProtection: {
        total: Number(sum?.total ?? 0),
        credits: rows.map((row) => ({
          orderId: row.orderId,
          sku: row.sku,
          paidUnitPrice: row.paidUnitPrice,
          dropPrice: row.dropPrice,
          dropAt: row.dropAt.getTime(),
          units: row.units,
          amount: row.amount,
          source: row.source as "shopper" | "scan",
          at: row.at.getTime(),
        })),
      },
    };
  });
}

export const membership = contractApp()
  .openapi(myMembership, async (c) => {
    const answer = await standingWithRecompute(c.env, c.get("shopperId"), Date.now()).catch((error: unknown) => {
      if (error instanceof AppError) throw error;
      console.error(`membership: Postgres did not answer (${describeDatabaseFailure(error).summary})`);
      throw new AppError("dependency_unavailable", "your membership (Postgres) cannot be read just now; try again shortly");
    });
    c.header("Cache-Control", "no-store");
    return c.json(answer, 200);
  })
  .openapi(claimRoute, async (c) => {
    const { id } = c.req.valid("param");
    const at = Date.now();
    const outcome = await claimPriceProtection(c.env, id, { source: "shopper", at, shopperId: c.get("shopperId") }).catch(
      (error: unknown) => {
        if (error instanceof AppError) throw error;
        console.error(`price protection: Postgres did not answer (${describeDatabaseFailure(error).summary})`);
        throw new AppError(
          "dependency_unavailable",
          "price protection (Postgres) cannot be reached just now; nothing was credited; try again shortly",
        );
      },
    );
    if (outcome.reason !== null) throw new AppError("no_price_credit", outcome.message, { reason: outcome.reason });
    const credits = outcome.credits.map((credit) => ({
      orderId: id,
      sku: credit.sku,
      paidUnitPrice: credit.paidUnitPrice,
      dropPrice: credit.dropPrice,
      dropAt: credit.dropAt,
      units: credit.units,
      amount: credit.amount,
      source: "shopper" as const,
      at,
    }));
    return c.json({ orderId: id, total: credits.reduce((sum, credit) => sum + credit.amount, 0), credits }, 200);
  });
