import { z } from "@hono/zod-openapi";
import type { ForecastRecord, StockRecommendation } from "../../../src/forecast/forecast-record.ts";
import { depositUnitsOf, readEndedPresales } from "../../../src/forecast/presale-reads.ts";
import {
  consoleRunId,
  countForecasts,
  type ForecastRunView,
  type ForecastSummary,
  latestForecast,
  latestForecasts,
  listRuns,
  presentRun,
  queueRun,
  readRun,
} from "../../../src/forecast/run-queue.ts";
import { conversionFor, recommendStock } from "../../../src/forecast/stock.ts";
import type { Database } from "../../../src/db/client.ts";
import { AppError } from "../../../src/errors.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import type { SaleConfig } from "../../../src/sales/sale-config.ts";
import { idempotencyKeyHeader } from "../api/validation.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { readDatabase } from "./read-database.ts";

/**
 * Demand forecasts under /admin/api (issue 19): each target's newest forecast, one whole
 * (daily points with 80 % and 95 % intervals, the history, the backtest, the stock
 * recommendation), and runs: queue one ("run now"), watch its progress. The forecasting is
 * Node-side (scripts/forecast/forecast-job.ts runs queued runs with @bsull/augurs' WASM, which
 * needs more memory and CPU time than a request has), so a run answers 202 `queued`.
 */

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const LIVE = noStore("forecasts and runs change while a run works");

const kindSchema = z.enum(["sku", "category"]);

const runSchema = z
  .object({
    id: z.string().describe("fcr_…"),
    status: z.enum(["queued", "running", "done", "failed"]),
    source: z.string().describe('"console", "schedule" (the daily 03:00 Asia/Shanghai run) or "cli"'),
    requestedBy: z.string().nullable(),
    progress: int.describe("0–100 while running"),
    error: z
      .string()
      .nullable()
      .describe('why it failed (e.g. too little history: "needs at least 14 days of history; has 9"), or the last attempt\'s failure'),
    attempts: int,
    createdAt: epochMs,
    claimedAt: epochMs.nullable(),
    finishedAt: epochMs.nullable(),
    forecasts: int.nullable().describe("forecasts the run wrote so far; null in lists"),
  })
  .openapi("ForecastRun");
export type ForecastRunSchemaMatchesCode = Holds<Describes<z.output<typeof runSchema>, ForecastRunView>>;

const targetSchema = z.object({ kind: kindSchema, key: z.string().describe("the SKU or the category's name") });

const backtestSchema = z
  .object({
    mape: z.number().describe("mean absolute percentage error over days with sales (0.05 = 5 %)"),
    wape: z.number().describe("Σ|error| / Σ actual"),
    naiveMape: z.number().describe("seasonal-naive's MAPE (the same day a week before)"),
    naiveWape: z.number(),
    stockingAccuracy: z.number().describe("1 − WAPE"),
    origins: int,
    horizonDays: int,
  })
  .openapi("ForecastBacktest");

const stockSchema = z
  .object({
    sku: z.string(),
    startsAt: epochMs,
    endsAt: epochMs,
    serviceLevel: z.number().describe("e.g. 0.9: the recommendation covers demand that often"),
    depositUnits: int.describe("units held by presale deposits so far"),
    conversionRate: z.number().describe("share of deposit units that became paid in past presales"),
    conversionBasis: int.describe("past presale units it was learned from"),
    forecastUnits: z.number().describe("forecast units over the sale's window at the service level"),
    recommendedUnits: int.describe("max(forecast at the service level, deposits × conversion)"),
    currentStock: int.describe("the sale's configured stock (0 in a run's record for a presale read from Postgres alone)"),
    saleDays: int.optional().describe("the sale's calendar days (Asia/Shanghai)"),
    coveredDays: int.optional().describe("how many of them the forecast covers: fewer when its horizon ends before the sale does"),
  })
  .openapi("StockRecommendation");

const pointSchema = z.object({
  date: z.string().describe("YYYY-MM-DD, Asia/Shanghai"),
  mean: z.number(),
  lower80: z.number(),
  upper80: z.number(),
  lower95: z.number(),
  upper95: z.number(),
});

const recordSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    target: targetSchema,
    createdAt: epochMs,
    model: z.enum(["mstl_ets", "prophet"]),
    horizonDays: int,
    history: z.array(z.object({ date: z.string(), units: z.number() })).describe("the last days before the forecast, at most 120"),
    points: z.array(pointSchema),
    backtest: backtestSchema.nullable(),
    stock: stockSchema.nullable(),
  })
  .openapi("DemandForecast");
export type ForecastRecordSchemaMatchesCode = Holds<Describes<z.output<typeof recordSchema>, ForecastRecord>>;

const summarySchema = z
  .object({
    id: z.string(),
    target: targetSchema,
    runId: z.string(),
    createdAt: epochMs,
    model: z.enum(["mstl_ets", "prophet"]),
    horizonDays: int,
    expectedUnits: z.number().describe("Σ expected units over the horizon"),
    lower80Units: z.number().describe("Σ of the daily 80 % lower bounds"),
    upper80Units: z.number().describe("Σ of the daily 80 % upper bounds"),
    backtest: backtestSchema.nullable(),
    stock: stockSchema.nullable(),
    run: z
      .object({
        id: z.string(),
        status: z.enum(["queued", "running", "done", "failed"]),
        source: z.string(),
        finishedAt: epochMs.nullable(),
      })
      .nullable(),
  })
  .openapi("DemandForecastSummary");
export type ForecastSummarySchemaMatchesCode = Holds<Describes<z.output<typeof summarySchema>, ForecastSummary>>;

/** What `GET /forecasts` answers, for the console. */
export type ForecastListBody = { forecasts: ForecastSummary[]; runs: ForecastRunView[] };

const listRoute = adminRoute({
  method: "get",
  path: "/forecasts",
  admits: "readForecasts",
  summary: "Each SKU's and category's newest demand forecast, in short, and the latest runs",
  request: {
    query: z.object({
      kind: kindSchema.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(200),
    }),
  },
  responses: {
    200: {
      description: "the forecasts (SKUs first, then categories, each by key) and the 10 newest runs",
      headers: LIVE,
      content: json(z.object({ forecasts: z.array(summarySchema), runs: z.array(runSchema) }).openapi("DemandForecasts")),
    },
  },
  errors: ["dependency_unavailable"],
});

/** The service level a recommendation is made at unless the console asks for another. */
export const DEFAULT_SERVICE_LEVEL = 0.9;

const readRoute = adminRoute({
  method: "get",
  path: "/forecasts/{kind}/{key}",
  admits: "readForecasts",
  summary: "A SKU's or category's newest forecast, whole: daily points with 80 % and 95 % intervals, history, backtest, stock",
  description:
    "For a SKU, `stock` is computed as this request is answered, for the sale KV configures for it (`sale:<sku>`) if that sale has not ended (server time): the forecast's points over the sale's Asia/Shanghai days at `serviceLevel`, against the presale deposits held now × the conversion learned from ended presales, beside the sale's configured stock. No sale, or an ended one: `stock` is null. A category's `stock` is always null.",
  request: {
    params: z.object({
      kind: z.string().openapi({ param: { description: "`sku` or `category`" } }),
      key: z.string().openapi({ param: { description: "the SKU, or the category's name (URL-encoded)" } }),
    }),
    query: z.object({
      serviceLevel: z.coerce
        .number()
        .min(0.5)
        .max(0.999)
        .default(DEFAULT_SERVICE_LEVEL)
        .openapi({
          param: { description: "the stock recommendation's service level, 0.5–0.999 (default 0.9: demand is covered nine sales in ten)" },
          example: 0.95,
        }),
    }),
  },
  responses: { 200: { description: "the forecast", headers: LIVE, content: json(recordSchema) } },
  errors: ["not_found", "dependency_unavailable"],
});

const queueRoute = adminRoute({
  method: "post",
  path: "/forecasts/runs",
  admits: "editForecasts",
  summary: "Queue a forecast run now",
  description:
    "Forecasts every SKU and category with order history (the default horizon, 30 days, and service level, 0.9), Node-side: answers 202 with the run `queued`; `GET /forecasts/runs/{id}` follows its progress. The same Idempotency-Key again answers the run it made (`Idempotent-Replayed: true`) and queues nothing. A run also starts every day at 03:00 Asia/Shanghai.",
  request: { headers: idempotencyKeyHeader },
  responses: { 202: { description: "the run (new, or the one this key made)", content: json(runSchema) } },
  errors: ["dependency_unavailable"],
});

const runRoute = adminRoute({
  method: "get",
  path: "/forecasts/runs/{id}",
  admits: "readForecasts",
  summary: "A forecast run: status, progress, error, forecasts written",
  request: { params: z.object({ id: z.string().openapi({ param: { description: "the run's id, `fcr_…`" } }) }) },
  responses: { 200: { description: "the run", headers: LIVE, content: json(runSchema) } },
  errors: ["not_found", "dependency_unavailable"],
});

const READ = { what: "the demand forecasts", log: "forecasts", timeoutMs: 10_000 };

/**
 * The stock for a sale that has not ended, from the stored forecast's points, at read time: the
 * service level the marketer picks, the deposits held now and the sale's configured stock, none
 * of which the overnight run could know (the last two change by the minute or live in KV).
 */
async function stockNow(
  db: Database,
  record: ForecastRecord,
  sale: SaleConfig,
  serviceLevel: number,
  now: number,
): Promise<StockRecommendation> {
  const [depositUnits, ended] = await Promise.all([depositUnitsOf(db, sale.sku, now), readEndedPresales(db, now)]);
  return recommendStock({
    points: record.points,
    sale: { sku: sale.sku, startsAt: sale.startsAt, endsAt: sale.endsAt, stock: sale.stock },
    depositUnits,
    conversion: conversionFor(ended, sale.sku),
    serviceLevel,
  });
}

/** Runs the list shows beside the forecasts. */
const RECENT_RUNS = 10;

export const adminForecasts = contractApp()
  .openapi(listRoute, async (c) => {
    const { kind, limit } = c.req.valid("query");
    const body = await readDatabase(c.env, READ, async (db) => ({
      forecasts: await latestForecasts(db, { ...(kind ? { kind } : {}), limit }),
      runs: (await listRuns(db, RECENT_RUNS)).map((run) => presentRun(run)),
    }));
    c.header("Cache-Control", "no-store");
    return c.json(body satisfies ForecastListBody, 200);
  })
  // Registered before /forecasts/{kind}/{key}, which would otherwise take `runs/{id}` as a kind and a key.
  .openapi(runRoute, async (c) => {
    const { id } = c.req.valid("param");
    const run = await readDatabase(c.env, READ, async (db) => {
      const row = await readRun(db, id);
      return row ? presentRun(row, await countForecasts(db, id)) : null;
    });
    if (!run) throw new AppError("not_found", `no forecast run ${id}`);
    c.header("Cache-Control", "no-store");
    return c.json(run, 200);
  })
  .openapi(readRoute, async (c) => {
    const { kind, key } = c.req.valid("param");
    const parsedKind = kindSchema.safeParse(kind);
    if (!parsedKind.success) throw new AppError("not_found", `no forecast target kind "${kind}"; one of sku, category`);
    const { serviceLevel } = c.req.valid("query");
    const now = Date.now();
    // The sale's configuration lives in KV, which the Node run cannot read: the stock is sized here.
    const sale = parsedKind.data === "sku" ? await new SaleCatalog(c.env.SALES).find(key) : null;
    const record = await readDatabase(c.env, READ, async (db) => {
      const stored = await latestForecast(db, parsedKind.data, key);
      if (!stored || parsedKind.data !== "sku") return stored;
      const stock = sale && sale.endsAt > now ? await stockNow(db, stored, sale, serviceLevel, now) : null;
      return { ...stored, stock };
    });
    if (!record) throw new AppError("not_found", `no forecast for ${kind} ${key} yet: a run forecasts it once it has order history`);
    c.header("Cache-Control", "no-store");
    return c.json(record, 200);
  })
  .openapi(queueRoute, async (c) => {
    const id = await consoleRunId(c.req.valid("header")["Idempotency-Key"]);
    const actor = auditActor(c);
    const outcome = await readDatabase(c.env, { ...READ, what: "the forecast runs" }, async (db) => {
      const queued = await queueRun(db, { id, source: "console", requestedBy: actor, at: Date.now() });
      return { ...queued, forecasts: queued.created ? 0 : await countForecasts(db, id) };
    });
    if (!outcome.created) c.header("Idempotent-Replayed", "true");
    return c.json(presentRun(outcome.row, outcome.forecasts), 202);
  });
