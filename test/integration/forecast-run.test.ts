import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { runForecast } from "../../scripts/forecast/run-forecast.ts";
import { openDatabase } from "../../src/db/client.ts";
import { events, forecastRuns, orders } from "../../src/db/schema.ts";
import { shopDay } from "../../src/forecast/daily-series.ts";
import type { ForecastRecord } from "../../src/forecast/forecast-record.ts";
import type { PresaleLine } from "../../src/presale/presale-terms.ts";

/**
 * `runForecast` (issue 19) against the test Postgres: this test's own SKUs (random names, the
 * database is shared) with 10 weeks of paid orders, a category named by events, presales ended
 * (the conversion) and open (the deposits), and a SKU with 9 days of history. It writes one
 * record per target under the run, again on a retry, and says how much history is missing.
 */
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

const DAY = 86_400_000;
const tag = () => crypto.randomUUID().replaceAll("-", "").slice(0, 10);
// Noon in Shanghai on 1 June 2026: yesterday (31 May) is the last whole day.
const NOW = Date.parse("2026-06-01T04:00:00Z");

type OrderRow = typeof orders.$inferInsert;
// Presale orders add "deposit_paid" and "forfeited" to OrderStatus; the column is text either way.
const status = (s: string) => s as OrderRow["status"];

function order(sku: string, qty: number, at: number, s: string, presale: PresaleLine | null = null): OrderRow {
  const id = `ord_${tag()}`;
  return {
    id,
    sku,
    shopperId: `shp_${tag()}`,
    qty,
    unitPrices: Array(qty).fill(1000),
    totalAmount: qty * 1000,
    status: status(s),
    idempotencyKey: id,
    createdAt: new Date(at),
    updatedAt: new Date(at),
    presale,
  };
}

function presaleLine(depositPaidAt: number, opensAt: number, closesAt: number): PresaleLine {
  return {
    deposit: 500,
    depositWorth: 1500,
    balance: 8500,
    balanceOpensAt: opensAt,
    balanceClosesAt: closesAt,
    forfeit: "keep",
    depositPaidAt,
    depositRef: `pay_${tag()}`,
    balancePaidAt: null,
  } as PresaleLine;
}

describe("runForecast", () => {
  it("forecasts each SKU and category, sizes the open presale's stock, and says how much history is missing", async () => {
    const sku = `fc-${tag()}`;
    const shortSku = `fc-short-${tag()}`;
    const category = `cat-${tag()}`;
    const rows: OrderRow[] = [];
    // 70 days to 31 May: weekends sell 12, weekdays 6 (two orders a day, at 10:00 Shanghai).
    for (let d = 70; d >= 1; d -= 1) {
      const at = NOW - d * DAY - 2 * 3_600_000;
      const weekday = new Date(at + 8 * 3_600_000).getUTCDay();
      const perOrder = weekday === 0 || weekday === 6 ? 6 : 3;
      rows.push(order(sku, perOrder, at, "paid"), order(sku, perOrder, at + 60_000, "paid"));
    }
    for (let d = 9; d >= 1; d -= 1) rows.push(order(shortSku, 2, NOW - d * DAY, "paid"));
    // An ended presale of the SKU: 6 units paid, 4 forfeited (conversion 0.6); an open one: 20 units deposited.
    const endedOpens = NOW - 40 * DAY;
    rows.push(order(sku, 6, NOW - 50 * DAY, "paid", presaleLine(NOW - 50 * DAY, endedOpens, endedOpens + 3 * DAY)));
    rows.push(order(sku, 4, NOW - 50 * DAY, "forfeited", presaleLine(NOW - 50 * DAY, endedOpens, endedOpens + 3 * DAY)));
    const opens = NOW + 10 * DAY;
    const closes = NOW + 13 * DAY - 1;
    rows.push(order(sku, 20, NOW - 2 * DAY, "deposit_paid", presaleLine(NOW - 2 * DAY, opens, closes)));
    // Today's order is not history yet, nor is an unpaid one.
    rows.push(order(sku, 500, NOW - 60_000, "paid"), order(sku, 500, NOW - 5 * DAY, "pending_payment"));
    await database.db.insert(orders).values(rows);
    await database.db.insert(events).values(
      [sku, shortSku].map((s) => ({
        id: `evt_${tag()}`,
        type: "product_view",
        shopperId: "shp_x",
        at: new Date(NOW - DAY),
        receivedAt: new Date(NOW - DAY),
        sku: s,
        category,
        device: "phone",
      })),
    );
    const runId = `fcr_test_${tag()}`;
    await database.db.insert(forecastRuns).values({ id: runId, status: "running", source: "cli", createdAt: new Date(NOW) });

    const heard: number[] = [];
    const options = { skus: [sku, shortSku], categories: [category], horizonDays: 21, serviceLevel: 0.9, now: () => NOW };
    const result = await runForecast(database.db, runId, options, async (p) => {
      heard.push(p);
    });

    expect(result.forecasts).toBe(2);
    expect(result.skipped).toEqual([
      { target: { kind: "sku", key: shortSku }, reason: "needs at least 2 × 7 days of history for weekly seasonality; has 9" },
    ]);
    expect(heard.at(-1)).toBe(100);
    expect([...heard].sort((a, b) => a - b)).toEqual(heard);

    const stored = (
      await database.db.execute(
        sql`select target_kind, target_key, record from demand_forecasts where run_id = ${runId} order by target_kind desc`,
      )
    ).rows as { target_kind: string; target_key: string; record: ForecastRecord }[];
    expect(stored.map((r) => `${r.target_kind} ${r.target_key}`)).toEqual([`sku ${sku}`, `category ${category}`]);
    const record = stored[0]?.record as ForecastRecord;
    // The open presale's last day is 13 days ahead, inside the 21-day horizon.
    expect(record.horizonDays).toBe(21);
    expect(record.points).toHaveLength(21);
    expect(record.points[0]?.date).toBe("2026-06-01");
    // Sunday 31 May sold 12; Saturday 30 May 12 and the open presale's 20 deposited units.
    expect(record.history.slice(-2)).toEqual([
      { date: "2026-05-30", units: 32 },
      { date: "2026-05-31", units: 12 },
    ]);
    for (const p of record.points) {
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.lower80).toBeLessThanOrEqual(p.mean);
      expect(p.mean).toBeLessThanOrEqual(p.upper80);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
    }
    // The weekly pattern was learned: a Saturday well above a Tuesday.
    const saturday = record.points.find((p) => p.date === "2026-06-06")?.mean ?? 0;
    const tuesday = record.points.find((p) => p.date === "2026-06-02")?.mean ?? 0;
    expect(saturday).toBeGreaterThan(1.5 * tuesday);
    expect(record.backtest?.origins).toBeGreaterThanOrEqual(1);
    expect(record.backtest?.stockingAccuracy).toBeGreaterThan(0.5);

    const stock = record.stock;
    if (!stock) throw new Error("no stock recommendation");
    expect(stock).toMatchObject({ sku, startsAt: opens, endsAt: closes, depositUnits: 20, conversionRate: 0.6, conversionBasis: 10 });
    expect(stock.forecastUnits).toBeGreaterThan(0);
    expect(stock.recommendedUnits).toBe(Math.ceil(Math.max(stock.forecastUnits, 20 * 0.6) - 1e-9));
    const windowDays = shopDay(closes) - shopDay(opens) + 1;
    const windowMean = record.points.filter((p) => p.date >= "2026-06-11" && p.date <= "2026-06-14").reduce((s, p) => s + p.mean, 0);
    // Noon 11 June to noon 14 June, Shanghai: four calendar days.
    expect(windowDays).toBe(4);
    expect(stock.forecastUnits).toBeGreaterThan(windowMean);

    // A retry of the run replaces its rows: still one per target.
    await runForecast(database.db, runId, options, async () => undefined);
    const count = await database.db.execute(sql`select count(*)::int as n from demand_forecasts where run_id = ${runId}`);
    expect((count.rows[0] as { n: number }).n).toBe(2);
  });

  it("refuses when nothing can be forecast, with every target's reason", async () => {
    const shortSku = `fc-short-${tag()}`;
    await database.db.insert(orders).values([order(shortSku, 1, NOW - 3 * DAY, "paid")]);
    const runId = `fcr_test_${tag()}`;
    await database.db.insert(forecastRuns).values({ id: runId, status: "running", source: "cli", createdAt: new Date(NOW) });
    await expect(runForecast(database.db, runId, { skus: [shortSku], now: () => NOW }, async () => undefined)).rejects.toThrow(
      `nothing forecast: sku ${shortSku}: needs at least 2 × 7 days of history for weekly seasonality; has 3`,
    );
    await expect(runForecast(database.db, runId, { horizonDays: 0, now: () => NOW }, async () => undefined)).rejects.toThrow(
      "horizon must be a whole number of days from 1 to 366; got 0",
    );
  });
});

const CLI = fileURLToPath(new URL("../../scripts/forecast/forecast.ts", import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const vars = inject("stackVars");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, DATABASE_URL: vars.DATABASE_URL, NEON_WS_PROXY: vars.NEON_WS_PROXY },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run forecast", () => {
  it("records a cli run, writes the SKU's forecast and prints its backtest", async () => {
    const sku = `fc-cli-${tag()}`;
    const now = Date.now();
    const rows: OrderRow[] = [];
    // 42 days: origins 14 and 28 days in (a third would leave no history).
    for (let d = 42; d >= 1; d -= 1) rows.push(order(sku, 3 + (d % 7 === 0 ? 5 : 0), now - d * DAY, "paid"));
    await database.db.insert(orders).values(rows);
    const { code, stdout, stderr } = await runCli(["--sku", sku, "--horizon", "14", "--backtest"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`\\| sku ${sku} \\| 2 × 14 \\| [0-9.]+ % \\| [0-9.]+ % \\| [0-9.]+ % \\| [0-9.]+ % \\| [0-9.]+ % \\|`),
    );
    const runId = /run (fcr_cli_[0-9a-f-]+): 1 forecasts/.exec(stdout)?.[1];
    expect(runId).toBeDefined();
    const run = (await database.db.execute(sql`select status, source, progress from forecast_runs where id = ${runId}`)).rows[0];
    expect(run).toEqual({ status: "done", source: "cli", progress: 100 });
    const stored = await database.db.execute(sql`select target_key from demand_forecasts where run_id = ${runId}`);
    expect(stored.rows).toEqual([{ target_key: sku }]);
  });

  it("refuses bad flags with every problem (exit 2), and too little history with how much is needed (exit 1, the run failed)", async () => {
    const bad = await runCli(["--horizon", "400", "--service-level", "1.5"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--horizon must be a whole number of days from 1 to 366; got 400");
    expect(bad.stderr).toContain("--service-level must be between 0 and 1 (e.g. 0.9 for P90); got 1.5");

    const sku = `fc-cli-short-${tag()}`;
    await database.db.insert(orders).values([order(sku, 1, Date.now() - 2 * DAY, "paid"), order(sku, 1, Date.now() - 6 * DAY, "paid")]);
    const short = await runCli(["--sku", sku]);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain(`sku ${sku}: needs at least 2 × 7 days of history for weekly seasonality; has 6`);
    const failed = await database.db.execute(
      sql`select status, source from forecast_runs where error like ${`%sku ${sku}: needs at least 2 × 7 days%`}`,
    );
    expect(failed.rows).toEqual([{ status: "failed", source: "cli" }]);
  });
});
