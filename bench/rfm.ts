/**
 * `npm run bench:rfm` (issue 17): how long one RFM recompute takes over a realistic history.
 * Writes `--shoppers` shoppers (default 20,000) with `--orders` paid orders (default 100,000)
 * spread over 400 days, a few shoppers buying often and most once or twice (each order's
 * shopper drawn as ⌊n · u²⌋), and one order in twenty refunded in part; then runs the recompute
 * through the Neon driver, the Worker's path, three times: the first scores everyone (a
 * `segment_entered` trigger each), the second a day later (recency moves, some change segment),
 * the third a minute after (almost nothing changes). Also times the schedule's every-minute
 * check when no run is due.
 *
 *   DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/<a fresh database> npm run bench:rfm
 *
 * Without DATABASE_URL it uses the embedded PGlite (not a measure of Postgres). Writes
 * bench/results/rfm.json and .md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { withDatabase } from "../src/db/client.ts";
import { recomputeRfm } from "../src/rfm/recompute.ts";
import { migrateDatabase } from "../scripts/migrate.ts";
import { startLocalStack } from "../scripts/local/stack.ts";
import { machineInfo } from "./machine.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DAY = 86_400_000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { shoppers: { type: "string" }, orders: { type: "string" }, out: { type: "string" } } });
  const shoppers = Number(values.shoppers ?? 20_000);
  const orders = Number(values.orders ?? 100_000);
  const out = values.out ?? join(ROOT, "bench", "results");
  const stack = await startLocalStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    gatewayToken: `bench-${crypto.randomUUID()}`,
    ports: { postgres: 0, wsProxy: 0, gateway: 0 },
  });
  try {
    console.log(`RFM benchmark (issue 17): ${orders} paid orders of ${shoppers} shoppers\n  ${stack.summary.join("\n  ")}`);
    const settings = { url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY };
    await migrateDatabase(settings);
    const db = new pg.Pool({ connectionString: stack.vars.DATABASE_URL, max: 1 });
    const prefix = `b${Date.now().toString(36)}`;
    const now = Date.now();
    const seedStarted = performance.now();
    await db.query(
      `insert into orders (id, sku, shopper_id, qty, unit_prices, total_amount, status, idempotency_key, created_at, updated_at)
       select $1 || '_o' || n, 'bench-rfm', $1 || '_s' || floor($2::int * power(random(), 2))::int, 1, '[]',
         (1 + floor(random() * 500)::int) * 100, 'paid', $1 || '_o' || n,
         to_timestamp(($4::bigint - floor(random() * 400 * 86400000)::bigint) / 1000.0),
         to_timestamp($4::bigint / 1000.0)
       from generate_series(1, $3::int) as n`,
      [prefix, shoppers, orders, now],
    );
    await db.query(
      `insert into order_status_history (order_id, status, at) select id, 'paid', created_at from orders where id like $1 || '_o%'`,
      [prefix],
    );
    await db.query(
      `insert into order_refunds (id, order_id, shopper_id, sku, amount, units, reason, idempotency_key, actor, at)
       select 'rfd_' || id, id, shopper_id, sku, total_amount / 2, 0, 'goodwill', 'rfd_' || id, 'bench', created_at + interval '1 day'
       from orders where id like $1 || '_o%' and random() < 0.05`,
      [prefix],
    );
    const { rows } = await db.query<{ shoppers: string; orders: string }>(
      "select count(distinct shopper_id) as shoppers, count(*) as orders from orders where status = 'paid'",
    );
    await db.query("analyze");
    await db.end();
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(`  seeded in ${seedSeconds.toFixed(1)} s: ${rows[0]!.orders} paid orders of ${rows[0]!.shoppers} shoppers in the database`);

    const timed = async (label: string, at: number) => {
      const started = performance.now();
      const outcome = await withDatabase(settings, (d) =>
        recomputeRfm(d, { runId: `rfm_${label}_${prefix}`, at, trigger: "manual", actor: "bench", windowDays: 365 }),
      );
      const ms = performance.now() - started;
      if (!outcome.ran) throw new Error(`run ${label} did not run: ${outcome.reason}`);
      console.log(`  ${label}: ${outcome.run.shoppers} shoppers scored, ${outcome.triggers} triggers, ${ms.toFixed(0)} ms`);
      return { label, ms: Math.round(ms), shoppers: outcome.run.shoppers, triggers: outcome.triggers, sizes: outcome.run.sizes };
    };
    const runs = [await timed("first", now), await timed("next-day", now + DAY), await timed("a-minute-later", now + DAY + 60_000)];
    const checkStarted = performance.now();
    const check = await withDatabase(settings, (d) =>
      recomputeRfm(d, {
        runId: "rfm_never",
        at: now + DAY + 120_000,
        trigger: "schedule",
        actor: "schedule",
        windowDays: 365,
        ifLastOlderThanMs: DAY,
      }),
    );
    const checkMs = performance.now() - checkStarted;
    console.log(`  the schedule's check when not due: ${check.ran ? "ran!" : check.reason}, ${checkMs.toFixed(0)} ms`);

    const result = {
      machine: machineInfo(),
      postgres: stack.summary[0],
      paidOrders: Number(rows[0]!.orders),
      shoppers: Number(rows[0]!.shoppers),
      seedSeconds: Number(seedSeconds.toFixed(1)),
      runs,
      notDueCheckMs: Math.round(checkMs),
    };
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "rfm.json"), `${JSON.stringify(result, null, 2)}\n`);
    const md = [
      "# RFM recompute (issue 17)",
      "",
      `${result.paidOrders} paid orders of ${result.shoppers} shoppers; ${result.postgres}.`,
      "",
      "| run | shoppers | segment_entered triggers | ms |",
      "| --- | --- | --- | --- |",
      ...runs.map((r) => `| ${r.label} | ${r.shoppers} | ${r.triggers} | ${r.ms} |`),
      "",
      `The schedule's check when no run is due: ${result.notDueCheckMs} ms.`,
      "",
    ].join("\n");
    writeFileSync(join(out, "rfm.md"), md);
  } finally {
    await stack.close();
  }
}

await main();
