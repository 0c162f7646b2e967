import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tierConfigSchema } from "../../src/membership/tier-config.ts";
import worker from "../../workers/storefront/index.ts";
import { memberTiers, tierDocument } from "../../workers/storefront/api/member-price.ts";
import { withPostgres } from "./postgres-support.ts";
import { type ApiOrder, Shopper, seedSale } from "./support.ts";

// Member prices at checkout (issue 16) on the real Worker, SKU objects and Postgres: a sale with
// `memberPrices` takes the member's tier percent off first; nobody else's checkout reads the tier.

const LIST = 39_900;
const benefits = (memberPricePercentOff: number) => ({ protectionDays: 30, pointsMultiplierPercent: 100, memberPricePercentOff });

async function seedTiers(): Promise<void> {
  const tiers = tierConfigSchema.parse({
    tiers: [
      { id: "silver", name: { "zh-CN": "白银", en: "Silver" }, minSpend: 100_000, minPoints: null, benefits: benefits(0) },
      { id: "gold", name: { "zh-CN": "黄金", en: "Gold" }, minSpend: 500_000, minPoints: null, benefits: benefits(5) },
    ],
  });
  await env.SALES.put("membership:tiers", JSON.stringify(tiers));
}

async function makeMember(shopperId: string, tier: string): Promise<void> {
  await withPostgres((pool) =>
    pool.query(
      `insert into members (shopper_id, tier, recompute_due) values ($1, $2, false)
       on conflict (shopper_id) do update set tier = $2`,
      [shopperId, tier],
    ),
  );
}

/** A Try through the Worker in this isolate (so its caches are the ones read here), optionally with another env. */
async function tryCheckout(shopper: Shopper, sku: string, overrides: Partial<Env> = {}): Promise<{ status: number; order: ApiOrder }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("https://shop.test/api/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID(), Cookie: shopper.cookie },
      body: JSON.stringify({ sku, qty: 1 }),
    }),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const body = (await response.json()) as { order: ApiOrder };
  return { status: response.status, order: body.order };
}

const unreachable = { DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:9/none" };

describe("member prices at checkout", () => {
  beforeEach(async () => {
    await seedTiers();
    tierDocument.forget("tiers");
  });

  it("a gold member pays the member price on an opted-in sale; a non-member, and a sale without the flag, the list price", async () => {
    const opted = await seedSale({ listPrice: LIST, tiers: [], perShopperLimit: 5, memberPrices: true });
    const plain = await seedSale({ listPrice: LIST, tiers: [], perShopperLimit: 5 });
    const [gold, silver, nobody] = await Promise.all([Shopper.create(), Shopper.create(), Shopper.create()]);
    await makeMember(gold.id, "gold");
    await makeMember(silver.id, "silver");

    const member = await tryCheckout(gold, opted.sku);
    expect(member.status).toBe(201);
    // 5 % of ¥399.00 = ¥19.95 off.
    expect(member.order).toMatchObject({
      subtotalAmount: LIST,
      memberPrice: { tier: "gold", percentOff: 5, amount: 1_995 },
      totalAmount: 37_905,
    });
    for (const [shopper, sku] of [
      [nobody, opted.sku],
      [silver, opted.sku], // a tier without a member price
      [gold, plain.sku],
    ] as const) {
      const { status, order } = await tryCheckout(shopper, sku);
      expect(status).toBe(201);
      expect(order).toMatchObject({ memberPrice: null, totalAmount: LIST });
    }
    // Paid, the order keeps its member price, and Postgres has what was paid.
    const paid = await gold.post(`/api/orders/${member.order.id}/pay`, {});
    expect(((await paid.json()) as { order: ApiOrder }).order).toMatchObject({ status: "paid", totalAmount: 37_905 });
  });

  it("a sale without the flag makes no call for the tier: it sells with Postgres unreachable, and loads nothing", async () => {
    const plain = await seedSale({ listPrice: LIST, tiers: [], perShopperLimit: 5 });
    const gold = await Shopper.create();
    await makeMember(gold.id, "gold");
    const loads = memberTiers.loads;
    const { status, order } = await tryCheckout(gold, plain.sku, unreachable);
    expect(status).toBe(201);
    expect(order).toMatchObject({ memberPrice: null, totalAmount: LIST });
    expect(memberTiers.loads).toBe(loads);
  });

  it("an opted-in sale fails open: Postgres unreachable means the list price, not a refusal", async () => {
    const opted = await seedSale({ listPrice: LIST, tiers: [], perShopperLimit: 5, memberPrices: true });
    const gold = await Shopper.create();
    await makeMember(gold.id, "gold");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { status, order } = await tryCheckout(gold, opted.sku, unreachable);
      expect(status).toBe(201);
      expect(order).toMatchObject({ memberPrice: null, totalAmount: LIST });
      expect(warn.mock.calls.some(([line]) => String(line).startsWith("member price:"))).toBe(true);
    } finally {
      warn.mockRestore();
    }
    // Once Postgres answers again (and the failure's few seconds are over), the member price is back.
    memberTiers.forget(gold.id);
    expect((await tryCheckout(gold, opted.sku)).order.totalAmount).toBe(37_905);
  });
});
