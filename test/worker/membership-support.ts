import { env } from "cloudflare:workers";
import { type CouponTemplateInput, couponKey, couponTemplateSchema } from "../../src/coupons/coupon-template.ts";
import { type TierConfig, tierConfigSchema } from "../../src/membership/tier-config.ts";
import { withPostgres } from "./postgres-support.ts";

export const DAY = 86_400_000;
/** A Shanghai wall-clock time as epoch ms. */
export const shanghai = (year: number, month: number, day: number, hour = 12) => Date.UTC(year, month - 1, day, hour - 8);

export const freshId = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;

/** An order written straight to Postgres, as the outbox would have: paid at `paidAt` unless another status is given. */
export async function insertOrder(order: {
  shopperId: string;
  sku: string;
  qty?: number;
  total: number;
  paidAt: number;
  status?: "paid" | "cancelled";
}): Promise<string> {
  const id = freshId("ord");
  const qty = order.qty ?? 1;
  const status = order.status ?? "paid";
  await withPostgres(async (pool) => {
    await pool.query(
      `insert into orders (id, sku, shopper_id, qty, unit_prices, ranks, total_amount, status, idempotency_key, created_at, updated_at, payment_ref)
       values ($1, $2, $3, $4, $5, '[]', $6, $7, $1, $8, $8, $9)`,
      [
        id,
        order.sku,
        order.shopperId,
        qty,
        JSON.stringify(Array(qty).fill(Math.floor(order.total / qty))),
        order.total,
        status,
        new Date(order.paidAt),
        `pay_${id}`,
      ],
    );
    await pool.query("insert into order_status_history (order_id, status, at) values ($1, 'pending_payment', $2)", [
      id,
      new Date(order.paidAt - 60_000),
    ]);
    if (status === "paid")
      await pool.query("insert into order_status_history (order_id, status, at) values ($1, 'paid', $2)", [id, new Date(order.paidAt)]);
    if (status === "cancelled")
      await pool.query("insert into order_status_history (order_id, status, at) values ($1, 'cancelled', $2)", [
        id,
        new Date(order.paidAt),
      ]);
  });
  return id;
}

/** A member's row as Postgres holds it. */
export async function memberRow(shopperId: string) {
  return withPostgres(async (pool) => {
    const { rows } = await pool.query<{
      tier: string | null;
      protection_days: number;
      points_multiplier_percent: number;
      spend_12m: string;
      recompute_due: boolean;
    }>("select tier, protection_days, points_multiplier_percent, spend_12m, recompute_due from members where shopper_id = $1", [shopperId]);
    return rows[0] ?? null;
  });
}

/** Rows of a query, for assertions. */
export function rowsOf<T>(text: string, values: unknown[]): Promise<T[]> {
  return withPostgres(async (pool) => (await pool.query<T & Record<string, unknown>>(text, values)).rows);
}

/** A member whose tier gives `protectionDays` days of protection, written directly. */
export async function setProtection(shopperId: string, protectionDays: number): Promise<void> {
  await withPostgres((pool) =>
    pool.query(
      `insert into members (shopper_id, tier, protection_days, recompute_due) values ($1, 'diamond', $2, false)
       on conflict (shopper_id) do update set protection_days = $2, tier = 'diamond', recompute_due = false`,
      [shopperId, protectionDays],
    ),
  );
}

/** A coupon template (amount_off) for tier grants, in KV under a fresh id. */
export async function seedTierCoupon(overrides: Partial<CouponTemplateInput> = {}): Promise<string> {
  const now = Date.now();
  const template = couponTemplateSchema.parse({
    id: `tier-${crypto.randomUUID().slice(0, 8)}`,
    title: "会员券 · Member coupon",
    type: "amount_off",
    amountOff: 2_000,
    validFrom: now - DAY,
    validUntil: now + 30 * DAY,
    totalQuantity: 1_000,
    claimable: false,
    ...overrides,
  });
  await env.SALES.put(couponKey(template.id), JSON.stringify(template));
  return template.id;
}

/** A tier ladder: silver ¥1,000 / 1,000 points, gold ¥5,000, diamond ¥20,000 (365 days), gold granting `couponId`. */
export function testTiers(couponId: string): TierConfig {
  const benefits = (protectionDays: number, pointsMultiplierPercent: number) => ({
    protectionDays,
    pointsMultiplierPercent,
    memberPricePercentOff: 0,
  });
  return tierConfigSchema.parse({
    tiers: [
      { id: "silver", name: { "zh-CN": "白银", en: "Silver" }, minSpend: 100_000, minPoints: 1_000, benefits: benefits(30, 100) },
      {
        id: "gold",
        name: { "zh-CN": "黄金", en: "Gold" },
        minSpend: 500_000,
        minPoints: null,
        benefits: { ...benefits(90, 150), couponTemplates: [couponId], welcomePoints: 300, perks: ["包邮 · Free shipping"] },
      },
      { id: "diamond", name: { "zh-CN": "钻石", en: "Diamond" }, minSpend: 2_000_000, minPoints: null, benefits: benefits(365, 200) },
    ],
  });
}
