// The Worker first: its modules extend zod with `.openapi` before any schema of src/ is built.
import { admin, createSale, readError } from "./admin-support.ts";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dateOfDay } from "../../src/forecast/festivals.ts";
import { shopDay } from "../../src/forecast/daily-series.ts";
import type { ForecastRecord, StockRecommendation } from "../../src/forecast/forecast-record.ts";
import { scheduledRunId } from "../../src/forecast/run-queue.ts";
import { recommendStock } from "../../src/forecast/stock.ts";
import { saleConfigSchema, saleKey } from "../../src/sales/sale-config.ts";
import { forgetForecastSchedule, runForecastSchedule } from "../../workers/storefront/forecast-schedule.ts";
import { SCHEDULED_JOBS } from "../../workers/storefront/scheduled.ts";
import { sampleForecast, storeForecastsSql } from "../support/forecast-sample.ts";
import { rowsOf } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";
import { call, makeApiKey } from "./staff-support.ts";

/**
 * Demand forecasts' admin API and daily schedule (issue 19) in workerd against the real
 * Postgres: a run queued once per Idempotency-Key and read back, each target's newest forecast
 * listed and read whole, 404s, who may queue, and the Cron job's one run a Shanghai day.
 */

type Run = { id: string; status: string; source: string; requestedBy: string | null; progress: number; forecasts: number | null };
type Summary = {
  id: string;
  target: { kind: string; key: string };
  expectedUnits: number;
  stock: unknown;
  run: { id: string; status: string } | null;
};

const queue = (key: string | null, actor?: string) =>
  admin("/forecasts/runs", { method: "POST", ...(actor ? { actor } : {}), headers: key === null ? {} : { "Idempotency-Key": key } });

const runRows = (id: string) => rowsOf<{ id: string; status: string }>("select id, status from forecast_runs where id = $1", [id]);

async function store(runId: string, records: ForecastRecord[], at = Date.now()): Promise<void> {
  await withPostgres(async (pool) => {
    for (const statement of storeForecastsSql(runId, records, at)) await pool.query(statement.text, statement.values);
  });
}

const fresh = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

describe("queueing a forecast run", () => {
  it("needs an Idempotency-Key", async () => {
    const response = await queue(null);
    expect(response.status).toBe(400);
    expect((await readError(response)).code).toBe("invalid_request");
  });

  it("queues a run once per Idempotency-Key, and reads it back", async () => {
    const key = crypto.randomUUID();
    const first = await queue(key, "Lu Marketer");
    expect(first.status).toBe(202);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const run = await first.json<Run>();
    expect(run).toMatchObject({ status: "queued", source: "console", requestedBy: "Lu Marketer", progress: 0, forecasts: 0 });
    expect(run.id).toMatch(/^fcr_k[0-9a-f]{20}$/);

    const again = await queue(key, "Lu Marketer");
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await again.json<Run>()).id).toBe(run.id);
    expect(await runRows(run.id)).toEqual([{ id: run.id, status: "queued" }]);

    const other = await (await queue(crypto.randomUUID())).json<Run>();
    expect(other.id).not.toBe(run.id);

    const read = await admin(`/forecasts/runs/${run.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get("Cache-Control")).toBe("no-store");
    expect(await read.json<Run>()).toMatchObject({ id: run.id, status: "queued", forecasts: 0 });
  });

  it("answers 404 for a run nobody queued", async () => {
    const response = await admin("/forecasts/runs/fcr_nothing_here");
    expect(response.status).toBe(404);
    expect(await readError(response)).toMatchObject({ code: "not_found", message: "no forecast run fcr_nothing_here" });
  });

  it("lets an analyst read forecasts but not queue a run; a marketer may", async () => {
    const analyst = (await makeApiKey("analyst")).key;
    const marketer = (await makeApiKey("marketer")).key;
    expect((await call("/forecasts", { bearer: analyst })).status).toBe(200);
    const refused = await call("/forecasts/runs", { method: "POST", bearer: analyst, headers: { "Idempotency-Key": crypto.randomUUID() } });
    expect(refused.status).toBe(403);
    expect((await readError(refused)).code).toBe("forbidden");
    const queued = await call("/forecasts/runs", { method: "POST", bearer: marketer, headers: { "Idempotency-Key": crypto.randomUUID() } });
    expect(queued.status).toBe(202);
  });
});

describe("reading forecasts", () => {
  it("lists each target's newest forecast, in short, with its run, and reads one whole", async () => {
    const sku = fresh("fc-kettle");
    const category = `厨房 电器 ${crypto.randomUUID().slice(0, 6)}`;
    const older = `fcr_test_${crypto.randomUUID().slice(0, 12)}`;
    const newer = `fcr_test_${crypto.randomUUID().slice(0, 12)}`;
    const at = Date.now();
    await store(
      older,
      [sampleForecast({ kind: "sku", key: sku }, { runId: older, createdAt: at - 86_400_000, horizon: 7 })],
      at - 86_400_000,
    );
    const newest = sampleForecast({ kind: "sku", key: sku }, { runId: newer, createdAt: at, horizon: 14 });
    const categoryForecast = sampleForecast({ kind: "category", key: category }, { runId: newer, createdAt: at });
    await store(newer, [newest, categoryForecast], at);

    const list = await admin("/forecasts?limit=500");
    expect(list.status).toBe(200);
    const { forecasts, runs } = await list.json<{ forecasts: Summary[]; runs: Run[] }>();
    const mine = forecasts.filter((f) => f.target.key === sku);
    // One per target: the newer run's.
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      id: newest.id,
      target: { kind: "sku", key: sku },
      expectedUnits: 300,
      run: { id: newer, status: "done" },
      stock: { recommendedUnits: 182, currentStock: 150 },
    });
    expect(forecasts.find((f) => f.target.key === category)).toMatchObject({ target: { kind: "category" }, stock: null });
    expect(runs.length).toBeGreaterThan(0);

    const categories = await (await admin("/forecasts?kind=category&limit=500")).json<{ forecasts: Summary[] }>();
    expect(categories.forecasts.every((f) => f.target.kind === "category")).toBe(true);
    expect(categories.forecasts.some((f) => f.target.key === category)).toBe(true);

    const whole = await admin(`/forecasts/sku/${encodeURIComponent(sku)}`);
    expect(whole.status).toBe(200);
    // No sale in KV for this SKU: the stored record, with no stock to recommend.
    expect(await whole.json()).toEqual({ ...newest, stock: null });
    const byCategory = await admin(`/forecasts/category/${encodeURIComponent(category)}`);
    expect((await byCategory.json<ForecastRecord>()).target).toEqual({ kind: "category", key: category });

    const counted = await (await admin(`/forecasts/runs/${newer}`)).json<Run>();
    expect(counted).toMatchObject({ status: "done", forecasts: 2 });
  });

  it("leaves an unreadable record out of the list, and lists the rest", async () => {
    const runId = `fcr_test_${crypto.randomUUID().slice(0, 12)}`;
    const good = sampleForecast({ kind: "sku", key: fresh("fc-good") }, { runId, createdAt: Date.now() });
    const broken = { ...sampleForecast({ kind: "sku", key: fresh("fc-broken") }, { runId, createdAt: Date.now() }), points: "none" };
    await store(runId, [good, broken as unknown as ForecastRecord]);

    const list = await admin("/forecasts?limit=500");
    expect(list.status).toBe(200);
    const keys = (await list.json<{ forecasts: Summary[] }>()).forecasts.map((f) => f.target.key);
    expect(keys).toContain(good.target.key);
    expect(keys).not.toContain(broken.target.key);
  });

  it("answers 404 for a target with no forecast and for an unknown kind", async () => {
    const none = await admin(`/forecasts/sku/${fresh("fc-never")}`);
    expect(none.status).toBe(404);
    expect((await readError(none)).code).toBe("not_found");
    const kind = await admin("/forecasts/brand/acme");
    expect(kind.status).toBe(404);
    expect((await readError(kind)).message).toContain("one of sku, category");
  });

  it("refuses a bad list query, listing the problem", async () => {
    const response = await admin("/forecasts?kind=brand&limit=0");
    expect(response.status).toBe(400);
    const error = await readError(response);
    expect(error.code).toBe("invalid_request");
    expect(error.problems).toHaveLength(2);
  });
});

describe("the stock recommendation, at read time", () => {
  const DAY = 86_400_000;
  /** A SKU's forecast whose points start today (Shanghai), 14 days of them. */
  async function forecastFromToday(sku: string): Promise<ForecastRecord> {
    const runId = `fcr_test_${crypto.randomUUID().slice(0, 12)}`;
    const record = sampleForecast(
      { kind: "sku", key: sku },
      { runId, createdAt: Date.now(), horizon: 14, lastHistoryDay: dateOfDay(shopDay(Date.now()) - 1) },
    );
    await store(runId, [record]);
    return record;
  }
  const read = async (sku: string, query = "") => {
    const response = await admin(`/forecasts/sku/${encodeURIComponent(sku)}${query}`);
    expect(response.status).toBe(200);
    return (await response.json<ForecastRecord>()).stock;
  };

  it("sizes an ordinary upcoming sale saved through the admin API, against its configured stock", async () => {
    const now = Date.now();
    const { sale } = await createSale({ startsAt: now + DAY, endsAt: now + 4 * DAY, stock: 80 });
    const record = await forecastFromToday(sale.sku);
    const stock = (await read(sale.sku)) as StockRecommendation;
    expect(stock).toMatchObject({ sku: sale.sku, startsAt: sale.startsAt, endsAt: sale.endsAt, serviceLevel: 0.9, currentStock: 80 });
    expect(stock.depositUnits).toBe(0);
    // Four Shanghai days at most (three when the window starts and ends at the same time of day across midnight), all covered.
    expect(stock.saleDays).toBeGreaterThanOrEqual(3);
    expect(stock.coveredDays).toBe(stock.saleDays);
    const expected = recommendStock({
      points: record.points,
      sale: { sku: sale.sku, startsAt: sale.startsAt, endsAt: sale.endsAt, stock: 80 },
      depositUnits: 0,
      conversion: { rate: stock.conversionRate, basis: stock.conversionBasis },
      serviceLevel: 0.9,
    });
    expect(stock).toEqual(expected);
    // Above the days' summed means (20 or 30 a day), as a P90 must be.
    expect(stock.forecastUnits).toBeGreaterThan(20 * (stock.saleDays ?? 0));
    expect(stock.recommendedUnits).toBe(Math.ceil(stock.forecastUnits));
  });

  it("counts the presale deposits held now × the SKU's own conversion, which win over a smaller forecast", async () => {
    const now = Date.now();
    const { sale } = await createSale({ startsAt: now + DAY, endsAt: now + 4 * DAY, stock: 500 });
    await forecastFromToday(sale.sku);
    const presale = (closesAt: number) =>
      JSON.stringify({
        deposit: 500,
        depositWorth: 1500,
        balance: 8500,
        balanceOpensAt: closesAt - DAY,
        balanceClosesAt: closesAt,
        forfeit: "keep",
        depositPaidAt: now - DAY,
      });
    const orders: [number, string, number][] = [
      // An ended presale of this SKU: 8 units paid, 2 forfeited: conversion 0.8 over 10 units.
      [8, "paid", now - 2 * DAY],
      [2, "forfeited", now - 2 * DAY],
      // Held now: 300 deposit-paid and 100 whose balance is paid, the window still open; an unpaid deposit is not held.
      [300, "deposit_paid", now + 3 * DAY],
      [100, "paid", now + 3 * DAY],
      [50, "pending_payment", now + 3 * DAY],
    ];
    await withPostgres(async (pool) => {
      for (const [qty, status, closesAt] of orders) {
        const id = `ord_${crypto.randomUUID().slice(0, 12)}`;
        await pool.query(
          `insert into orders (id, sku, shopper_id, qty, unit_prices, total_amount, status, idempotency_key, created_at, updated_at, presale)
           values ($1, $2, $3, $4, $5::jsonb, $6, $7, $1, now(), now(), $8::jsonb)`,
          [id, sale.sku, `shp_${id}`, qty, JSON.stringify(Array(qty).fill(10_000)), qty * 10_000, status, presale(closesAt)],
        );
      }
    });
    const stock = (await read(sale.sku)) as StockRecommendation;
    expect(stock).toMatchObject({ depositUnits: 400, conversionRate: 0.8, conversionBasis: 10, currentStock: 500 });
    // 400 × 0.8 = 320, well above a few days' forecast of 20–30 units a day.
    expect(stock.forecastUnits).toBeLessThan(320);
    expect(stock.recommendedUnits).toBe(320);
  });

  it("rises with the service level the query asks for", async () => {
    const now = Date.now();
    const { sale } = await createSale({ startsAt: now + DAY, endsAt: now + 6 * DAY, stock: 10 });
    await forecastFromToday(sale.sku);
    const levels = [0.5, 0.8, 0.9, 0.95, 0.99];
    const stocks = [];
    for (const level of levels) stocks.push((await read(sale.sku, `?serviceLevel=${level}`)) as StockRecommendation);
    expect(stocks.map((s) => s.serviceLevel)).toEqual(levels);
    for (let i = 1; i < stocks.length; i++) {
      expect((stocks[i] as StockRecommendation).recommendedUnits).toBeGreaterThan((stocks[i - 1] as StockRecommendation).recommendedUnits);
    }
  });

  it("says when the sale runs past the forecast's horizon", async () => {
    const now = Date.now();
    const { sale } = await createSale({ startsAt: now + 10 * DAY, endsAt: now + 20 * DAY, stock: 10 });
    await forecastFromToday(sale.sku);
    const stock = (await read(sale.sku)) as StockRecommendation;
    expect(stock.saleDays).toBeGreaterThanOrEqual(10);
    expect(stock.coveredDays).toBeLessThan(stock.saleDays as number);
    expect(stock.coveredDays).toBeGreaterThan(0);
  });

  it("gives an ended sale none", async () => {
    const now = Date.now();
    const ended = saleConfigSchema.parse({
      sku: fresh("fc-ended"),
      title: "Ended sale",
      listPrice: 10_000,
      stock: 40,
      startsAt: now - 3 * DAY,
      endsAt: now - 60_000,
      tiers: [],
      perShopperLimit: 5,
    });
    await env.SALES.put(saleKey(ended.sku), JSON.stringify(ended));
    await forecastFromToday(ended.sku);
    expect(await read(ended.sku)).toBeNull();
  });

  it("is in the OpenAPI contract: the serviceLevel query and its 400", async () => {
    const doc = await (await exports.default.fetch("https://shop.test/api/openapi.json")).json<{
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string; in: string; schema?: { minimum?: number; maximum?: number; default?: number } }[];
            responses: Record<string, unknown>;
          }
        >
      >;
    }>();
    const read = doc.paths["/admin/api/forecasts/{kind}/{key}"]?.get;
    const param = read?.parameters?.find((p) => p.name === "serviceLevel");
    expect(param).toMatchObject({ in: "query", schema: { minimum: 0.5, maximum: 0.999, default: 0.9 } });
    expect(Object.keys(read?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "404", "503"]));
  });

  it("refuses a service level outside 0.5–0.999, naming it", async () => {
    const now = Date.now();
    const { sale } = await createSale({ startsAt: now + DAY, endsAt: now + 2 * DAY });
    await forecastFromToday(sale.sku);
    for (const bad of ["1.5", "0.3", "1", "abc"]) {
      const response = await admin(`/forecasts/sku/${encodeURIComponent(sale.sku)}?serviceLevel=${bad}`);
      expect(response.status, bad).toBe(400);
      const error = await readError(response);
      expect(error.code).toBe("invalid_request");
      expect((error.problems as string[]).join(" "), bad).toContain("serviceLevel");
    }
  });
});

describe("the daily schedule", () => {
  /** 03:00 Asia/Shanghai (19:00 UTC the day before) of a day far ahead no other run could have: a fresh one each time. */
  function freshDay(): { day: string; at: number } {
    const offset = 30_000 + Math.floor(Math.random() * 300_000);
    const midnightUtc = Date.UTC(2030, 0, 1) + offset * 86_400_000;
    return { day: new Date(midnightUtc).toISOString().slice(0, 10), at: midnightUtc - 5 * 3_600_000 };
  }

  it("is one of the minute's Cron jobs", () => {
    expect(SCHEDULED_JOBS.map((job) => job.name)).toContain("forecast-daily");
  });

  it("queues one run a Shanghai day from 03:00, however many isolates fire", async () => {
    const { day, at } = freshDay();
    const id = scheduledRunId(day);
    forgetForecastSchedule();
    // 02:59 Shanghai: not due, and no connection made (an unreachable Postgres would throw).
    const unreachable = { ...env, DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:1/none" };
    expect(await runForecastSchedule(unreachable, at - 60_000)).toBeNull();
    expect(await runRows(id)).toEqual([]);

    // 03:00: five isolates at once (none has seen the day's run), one row.
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => runForecastSchedule(env, at)));
    expect(outcomes.map((o) => o?.row.id)).toEqual(Array(5).fill(id));
    expect(outcomes.filter((o) => o?.created)).toHaveLength(1);
    expect(await runRows(id)).toEqual([{ id, status: "queued" }]);
    const [row] = await rowsOf<{ source: string }>("select source from forecast_runs where id = $1", [id]);
    expect(row?.source).toBe("schedule");

    // Later that day this isolate asks Postgres nothing.
    expect(await runForecastSchedule(unreachable, at + 20 * 3_600_000)).toBeNull();
    // A new isolate later that day finds the run and makes none.
    forgetForecastSchedule();
    expect(await runForecastSchedule(env, at + 20 * 3_600_000)).toMatchObject({ created: false, row: { id } });

    // The next day from 03:00: the next run.
    const next = await runForecastSchedule(env, at + 24 * 3_600_000);
    expect(next?.created).toBe(true);
    expect(next?.row.id).toBe(scheduledRunId(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)));
    forgetForecastSchedule();
  });
});
