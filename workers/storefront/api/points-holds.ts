import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import {
  type HoldSettlement,
  holdKeyOf,
  holdPoints,
  type PointsCheckout,
  type PointsTerms,
  settleHold,
} from "../../../src/membership/points-holds.ts";
import type { Order } from "../../../src/orders/order.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { edgeClock } from "./sku-object.ts";

/**
 * Try, for points (issue 16): holds them in the ledger for the checkout (`change`: the order
 * page's request key, for a hold of its own, and the hold it replaces on the order). Postgres that does not answer is 503: the shopper
 * can check out without points meanwhile.
 */
export async function holdCheckoutPoints(
  env: Env,
  checkout: PointsCheckout,
  points: number,
  change?: { requestKey: string; replacing: string | null },
): Promise<{ terms: PointsTerms; fresh: boolean }> {
  const holdKey = holdKeyOf(checkout, change?.requestKey);
  try {
    return await withDatabase(databaseSettings(env), (db) =>
      holdPoints(db, checkout, holdKey, points, edgeClock.now(), change?.replacing ?? null),
    );
  } catch (error) {
    if (error instanceof AppError) throw error;
    console.error(`points: hold failed (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "points cannot be held just now (Postgres); try again, or check out without them");
  }
}

/**
 * Confirm or Cancel, for points: settles the hold once. Best effort, as coupons' release is:
 * a hold not settled here is settled by the scheduled points job (../points-jobs.ts) asking the
 * SKU object what became of its checkout.
 */
export async function settleCheckoutPoints(env: Env, holdKey: string, settlement: HoldSettlement): Promise<void> {
  await withDatabase(databaseSettings(env), (db) => settleHold(db, holdKey, settlement, edgeClock.now())).catch((error: Error) =>
    console.error(`points: settling ${holdKey} failed, the scheduled job settles it (${redactSecrets(error.message)})`),
  );
}

/** An order's points after a change: spent when it is paid, returned when it is cancelled or expired; nothing while unpaid. */
export async function settleOrderPoints(env: Env, order: Order): Promise<void> {
  if (!order.points) return;
  if (order.status === "paid") {
    await settleCheckoutPoints(env, order.points.holdKey, { kind: "spent", used: order.points.used, orderId: order.id });
  } else if (order.status !== "pending_payment") {
    await settleCheckoutPoints(env, order.points.holdKey, { kind: "returned", orderId: order.id });
  }
}
