/**
 * `npm run forecast` (issue 19): one forecast run from the command line, on DATABASE_URL.
 * Records a `forecast_runs` row (source "cli"), forecasts every SKU and category (or those
 * named), writes their `demand_forecasts` rows and prints a table: the next 7 days and the
 * horizon's total with its 80 % / 95 % intervals, the backtest, and the stock recommendation of
 * any upcoming presale.
 *
 *   npm run forecast -- [--sku S]… [--category C]… [--horizon 30] [--service-level 0.9] [--backtest]
 *
 * `--backtest` prints the rolling-origin evaluation instead: MAPE and WAPE against seasonal-naive
 * per target, the stocking accuracy (1 − WAPE), and the totals over every target's held-out days.
 * Upcoming sales: with ADMIN_TOKEN set, the sales in phase `upcoming` are read from the admin
 * API (`--url`, default http://127.0.0.1:8787, as `npm run sale` does: KV is the Worker's), each
 * sized over its own window against its configured stock; without it, the presales with deposits
 * in Postgres stand in (their balance window, stock unknown).
 *
 * Exit 2 on bad flags or no DATABASE_URL, 1 when nothing could be forecast (the reason printed).
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../src/db/client.ts";
import type { ForecastRecord } from "../../src/forecast/forecast-record.ts";
import { redactSecrets } from "../../src/redact.ts";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import { AdminClient } from "../sale/client.ts";
import { DEFAULT_HORIZON_DAYS, DEFAULT_SERVICE_LEVEL, type RunForecastOptions, runForecast, type UpcomingSale } from "./run-forecast.ts";

/** The admin API's upcoming sales as the run sizes them: each sale's window and configured stock. */
export function upcomingFromAdmin(list: {
  sales: readonly { sale: Pick<SaleConfig, "sku" | "startsAt" | "endsAt" | "stock"> }[];
}): UpcomingSale[] {
  return list.sales.map(({ sale }) => ({ sku: sale.sku, startsAt: sale.startsAt, endsAt: sale.endsAt, currentStock: sale.stock }));
}

export interface ForecastArgs {
  options: RunForecastOptions;
  backtest: boolean;
  /** The storefront whose admin API lists the upcoming sales. */
  url: string;
}

/** The flags, or every problem with them. */
export function parseForecastArgs(argv: readonly string[]): { ok: true; args: ForecastArgs } | { ok: false; problems: string[] } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return { ok: false, problems: [(error as Error).message] };
  }
  const { values } = parsed;
  const problems: string[] = [];
  const horizon = Number(values.horizon ?? DEFAULT_HORIZON_DAYS);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 366) {
    problems.push(`--horizon must be a whole number of days from 1 to 366; got ${values.horizon}`);
  }
  const serviceLevel = Number(values["service-level"] ?? DEFAULT_SERVICE_LEVEL);
  if (!(serviceLevel > 0 && serviceLevel < 1)) {
    problems.push(`--service-level must be between 0 and 1 (e.g. 0.9 for P90); got ${values["service-level"]}`);
  }
  if (problems.length) return { ok: false, problems };
  const options: RunForecastOptions = { horizonDays: horizon, serviceLevel };
  if (values.sku?.length) options.skus = values.sku;
  if (values.category?.length) options.categories = values.category;
  return { ok: true, args: { options, backtest: values.backtest ?? false, url: values.url ?? "http://127.0.0.1:8787" } };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      sku: { type: "string", multiple: true },
      category: { type: "string", multiple: true },
      horizon: { type: "string" },
      "service-level": { type: "string" },
      backtest: { type: "boolean" },
      url: { type: "string" },
    },
    strict: true,
  });
}

const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "–" : `${(v * 100).toFixed(1)} %`);
const units = (v: number) => Math.round(v).toLocaleString("en");

/** The forecast table, one line per target. */
export function forecastTable(records: readonly ForecastRecord[]): string {
  const lines = [
    "| target | next 7 days | horizon total | 80 % | 95 % | stocking accuracy | stock (recommended / now) |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of records) {
    const sum = (pick: (p: ForecastRecord["points"][number]) => number, days = r.points.length) =>
      r.points.slice(0, days).reduce((s, p) => s + pick(p), 0);
    const stock = r.stock
      ? `${r.stock.recommendedUnits} / ${r.stock.currentStock} (P${Math.round(r.stock.serviceLevel * 100)}, ${r.stock.depositUnits} deposits × ${r.stock.conversionRate.toFixed(2)})`
      : "–";
    lines.push(
      `| ${r.target.kind} ${r.target.key} | ${units(sum((p) => p.mean, 7))} | ${units(sum((p) => p.mean))} (${r.horizonDays} d) | ${units(sum((p) => p.lower80))}–${units(sum((p) => p.upper80))} | ${units(sum((p) => p.lower95))}–${units(sum((p) => p.upper95))} | ${pct(r.backtest?.stockingAccuracy)} | ${stock} |`,
    );
  }
  return lines.join("\n");
}

/** The backtest table, one line per target. */
export function backtestTable(records: readonly ForecastRecord[]): string {
  const lines = [
    "| target | origins × days | MAPE | seasonal-naive MAPE | WAPE | seasonal-naive WAPE | stocking accuracy (1 − WAPE) |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of records) {
    const b = r.backtest;
    lines.push(
      b
        ? `| ${r.target.kind} ${r.target.key} | ${b.origins} × ${b.horizonDays} | ${pct(b.mape)} | ${pct(b.naiveMape)} | ${pct(b.wape)} | ${pct(b.naiveWape)} | ${pct(b.stockingAccuracy)} |`
        : `| ${r.target.kind} ${r.target.key} | too little history for one origin | – | – | – | – | – |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const parsed = parseForecastArgs(process.argv.slice(2));
  if (!parsed.ok) {
    for (const problem of parsed.problems) console.error(problem);
    process.exit(2);
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set: the forecast reads order history from Postgres and writes its forecasts there.");
    process.exit(2);
  }
  const token = process.env.ADMIN_TOKEN;
  if (token) {
    const client = new AdminClient({ url: parsed.args.url, token, actor: undefined });
    try {
      parsed.args.options.upcomingSales = upcomingFromAdmin(await client.get("/sales?phase=upcoming"));
    } catch (error) {
      console.error(`upcoming sales not read from ${parsed.args.url}: ${(error as Error).message}`);
      process.exit(2);
    }
  }
  const { db, close } = openDatabase({ url, localWsProxy: process.env.NEON_WS_PROXY });
  const runId = `fcr_cli_${randomUUID()}`;
  const started = Date.now();
  try {
    await db.execute(
      sql`insert into forecast_runs (id, status, source, progress, created_at, claimed_at, attempts)
          values (${runId}, 'running', 'cli', 0, ${new Date(started)}, ${new Date(started)}, 1)`,
    );
    const result = await runForecast(db, runId, parsed.args.options, async (percent) => {
      await db.execute(sql`update forecast_runs set progress = ${Math.min(100, Math.floor(percent))} where id = ${runId}`);
    });
    await db.execute(sql`update forecast_runs set status = 'done', progress = 100, finished_at = ${new Date()} where id = ${runId}`);
    console.log(parsed.args.backtest ? backtestTable(result.records) : forecastTable(result.records));
    for (const s of result.skipped) console.log(`not forecast: ${s.target.kind} ${s.target.key}: ${s.reason}`);
    console.log(`run ${runId}: ${result.forecasts} forecasts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const message = redactSecrets((error as Error).message);
    await db
      .execute(
        sql`update forecast_runs set status = 'failed', error = ${message.slice(0, 2000)}, finished_at = ${new Date()} where id = ${runId}`,
      )
      .catch(() => undefined);
    console.error(message);
    process.exitCode = 1;
  } finally {
    await close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
