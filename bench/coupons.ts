/**
 * `npm run bench:coupons` (issue 14): what coupons cost and how exact they stay under a crowd.
 * The storefront runs as built on workerd with its objects (SKU objects and coupon pools).
 *
 * 1. Claim stampede: `--shoppers` shoppers claim from one pool of `--pool` coupons,
 *    `--concurrency` at a time. Reports claims answered per second, latency, and that exactly
 *    `--pool` coupons were handed out, one per shopper at most.
 * 2. Try with and without a coupon: the shoppers who won a coupon check out with it on one
 *    sale, as many others check out without one on another, same concurrency. The difference
 *    is the price of the coupon's hold (one more object in the Try's turn).
 *
 *   npm run bench:coupons -- --shoppers 2000 --pool 1000 --concurrency 64
 *
 * Writes bench/results/coupons.json and .md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { couponKey, couponTemplateSchema } from "../src/coupons/coupon-template.ts";
import { saleConfigSchema, saleKey } from "../src/sales/sale-config.ts";
import { buildProductionBundle, directUrl, runBundle } from "../scripts/local/worker-bundle.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { machineInfo } from "./machine.ts";
import { formatStatuses, latency, pool, statuses, type Timed } from "./timed-answers.ts";
import { startBenchStack } from "./run.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { shoppers: { type: "string" }, pool: { type: "string" }, concurrency: { type: "string" }, out: { type: "string" } },
  });
  const shoppers = Number(values.shoppers ?? 2_000);
  const poolSize = Number(values.pool ?? 1_000);
  const concurrency = Number(values.concurrency ?? 64);
  const out = values.out ?? join(ROOT, "bench", "results");
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    console.log(`Coupons benchmark (issue 14): ${shoppers} shoppers, a pool of ${poolSize}, ${concurrency} at a time`);
    const { infra, stack } = await startBenchStack(cleanups);
    const mf = runBundle(await buildProductionBundle(), stack.vars, { directPort: 0 });
    cleanups.push(() => mf.dispose());
    await mf.ready;
    const base = await directUrl(mf, "storefront");
    const kv = await mf.getKVNamespace("SALES", "storefront");
    const now = Date.now();
    const template = couponTemplateSchema.parse({
      id: "bench-300-50",
      title: "满300减50",
      type: "amount_off",
      amountOff: 5_000,
      minSpend: 30_000,
      validFrom: now - 60_000,
      validUntil: now + 3_600_000,
      totalQuantity: poolSize,
    });
    await kv.put(couponKey(template.id), JSON.stringify(template));
    const sale = (sku: string) =>
      saleConfigSchema.parse({
        sku,
        title: sku,
        listPrice: 40_000,
        stock: 1_000_000,
        startsAt: now - 60_000,
        endsAt: now + 3_600_000,
        perShopperLimit: 5,
      });
    for (const sku of ["bench-coupon-sale", "bench-plain-sale"]) await kv.put(saleKey(sku), JSON.stringify(sale(sku)));

    const cookies = await pool(shoppers, concurrency, async () => {
      const response = await fetch(new URL("/api/session", base), { method: "POST", headers: { "Content-Type": "application/json" } });
      await response.arrayBuffer();
      return response.headers.get("Set-Cookie")!.split(";")[0]!;
    });
    const post = async (cookie: string, path: string, body: unknown): Promise<Timed> => {
      const started = performance.now();
      const response = await fetch(new URL(path, base), {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: cookie, "Idempotency-Key": crypto.randomUUID() },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      return { status: response.status, ms: performance.now() - started, body: answer };
    };

    let started = performance.now();
    const claims = await pool(shoppers, concurrency, (i) => post(cookies[i]!, `/api/coupons/${template.id}/claim`, {}));
    const claimSeconds = (performance.now() - started) / 1000;
    const won = claims.flatMap((claim, i) =>
      claim.status === 201 ? [{ cookie: cookies[i]!, id: (claim.body as { coupon: { id: string } }).coupon.id }] : [],
    );
    const stats = await (
      await fetch(new URL(`/admin/api/coupons/${template.id}`, base), { headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` } })
    ).json();

    started = performance.now();
    const withCoupon = await pool(won.length, concurrency, (i) =>
      post(won[i]!.cookie, "/api/checkout", { sku: "bench-coupon-sale", qty: 1, coupons: [won[i]!.id] }),
    );
    const withSeconds = (performance.now() - started) / 1000;
    const plainCookies = cookies
      .filter((_, i) => claims[i]!.status !== 201)
      .concat(cookies)
      .slice(0, won.length);
    started = performance.now();
    const plain = await pool(plainCookies.length, concurrency, (i) =>
      post(plainCookies[i]!, "/api/checkout", { sku: "bench-plain-sale", qty: 1 }),
    );
    const plainSeconds = (performance.now() - started) / 1000;

    const result = {
      at: new Date().toISOString(),
      machine: machineInfo(),
      postgres: infra.postgres,
      setup: { shoppers, pool: poolSize, concurrency },
      claims: {
        perS: Math.round(shoppers / claimSeconds),
        latencyMs: latency(claims),
        statuses: statuses(claims),
        handedOut: won.length,
        distinctShoppers: new Set(won.map((w) => w.cookie)).size,
        poolFigures: stats,
      },
      tryWithCoupon: { perS: Math.round(withCoupon.length / withSeconds), latencyMs: latency(withCoupon), statuses: statuses(withCoupon) },
      tryWithout: { perS: Math.round(plain.length / plainSeconds), latencyMs: latency(plain), statuses: statuses(plain) },
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "coupons.json"), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(
      join(out, "coupons.md"),
      [
        `# Coupons benchmark (${result.at.slice(0, 10)})`,
        "",
        `${shoppers} shoppers, one pool of ${poolSize}, ${concurrency} requests at a time; the storefront as built on workerd; Postgres: ${infra.postgres}; ${result.machine.cores} cores.`,
        "",
        "| measure | value |",
        "| --- | --- |",
        `| claims answered per second | ${result.claims.perS.toLocaleString("en")} |`,
        `| claim latency p50 / p99 | ${result.claims.latencyMs.p50} / ${result.claims.latencyMs.p99} ms |`,
        `| coupons handed out / pool | ${won.length} / ${poolSize} (${result.claims.distinctShoppers} shoppers) |`,
        `| claim answers | ${formatStatuses(result.claims.statuses)} |`,
        `| Tries with a coupon per second | ${result.tryWithCoupon.perS.toLocaleString("en")} (p50 / p99 ${result.tryWithCoupon.latencyMs.p50} / ${result.tryWithCoupon.latencyMs.p99} ms; ${formatStatuses(result.tryWithCoupon.statuses)}) |`,
        `| Tries without a coupon per second | ${result.tryWithout.perS.toLocaleString("en")} (p50 / p99 ${result.tryWithout.latencyMs.p50} / ${result.tryWithout.latencyMs.p99} ms; ${formatStatuses(result.tryWithout.statuses)}) |`,
        "",
      ].join("\n"),
    );
    if (won.length !== Math.min(poolSize, shoppers) || result.claims.distinctShoppers !== won.length) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

await main();
