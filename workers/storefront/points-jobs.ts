import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { expirePoints } from "../../src/membership/points-expiry.ts";
import { type DueHold, dueHolds, type HoldSettlement, settleHold } from "../../src/membership/points-holds.ts";
import { redactSecrets } from "../../src/redact.ts";
import { skuObject } from "./api/sku-object.ts";
import type { ScheduledJob } from "./scheduled-job.ts";

/** Holds settled per run, and earning rows lapsed per run: bounded batches, the next minute takes the rest. */
const SETTLE_BATCH = 100;
const EXPIRE_BATCH = 500;

/**
 * What became of a due hold's checkout, asked of its SKU object as a coupon's pool asks
 * (durable-objects/coupon-pool): paid, the points are spent; no order took them, or it was
 * cancelled or expired, they go back; still unpaid, ask again later. Null: the object did not
 * answer, ask again later.
 */
async function settlementOf(env: Env, hold: DueHold): Promise<HoldSettlement | null> {
  try {
    const answer = await skuObject(env, hold.sku).pointsOutcome(hold.shopperId, hold.checkoutKey, hold.holdKey);
    if (!answer.ok) return answer.error.code === "not_found" ? { kind: "returned" } : null;
    const outcome = answer.value;
    if (outcome.kind === "paid") return { kind: "spent", used: outcome.used, orderId: outcome.orderId };
    return outcome.kind === "released" ? { kind: "returned" } : null;
  } catch (error) {
    console.error(`points: the SKU object of ${hold.sku} did not answer for ${hold.holdKey}: ${redactSecrets((error as Error).message)}`);
    return null;
  }
}

/** Settles the holds whose wait is over and that Confirm or Cancel did not settle (a lost call, an expired order). */
export async function settleLeftHolds(env: Env, at: number): Promise<number> {
  return withDatabase(databaseSettings(env), async (db) => {
    const due = await dueHolds(db, at, SETTLE_BATCH);
    const settled = await Promise.all(
      due.map(async (hold) => {
        const settlement = await settlementOf(env, hold);
        return settlement ? (await settleHold(db, hold.holdKey, settlement, at)).changed : false;
      }),
    );
    return settled.filter(Boolean).length;
  });
}

/** Lapses earned points whose year is up (src/membership/points-expiry.ts). */
export function expireLapsedPoints(env: Env, at: number) {
  return withDatabase(databaseSettings(env), (db) => expirePoints(db, at, EXPIRE_BATCH));
}

/**
 * The points job, every minute (issue 16): holds left behind are settled, then lapsed points
 * written off. Both are safe to run twice or at once: every row they write is keyed.
 */
export const POINTS_JOB: ScheduledJob = {
  name: "points",
  async run(env, at) {
    await settleLeftHolds(env, at);
    await expireLapsedPoints(env, at);
  },
};
