/**
 * What the stock recommendation reads of presales in Postgres (issue 19), shared by the Node
 * forecast run (scripts/forecast/run-forecast.ts) and the Worker that recommends at read time
 * (workers/storefront/admin/forecasts.ts), so both count deposits and learn conversion alike.
 *
 * A presale's units are "held" from the deposit (`deposit_paid`) until its balance window
 * closes; one whose balance was paid (`paid`) still counts among them until then. Once the
 * window has closed, the order has ended: paid or forfeited, the conversion's evidence.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { EndedPresaleOrder } from "./stock.ts";

const rowsOf = async <T>(db: Database, query: SQL): Promise<T[]> => (await db.execute(query)).rows as T[];

/** Ended presale units per SKU and outcome (the sums conversionRate needs, not every order). */
export async function readEndedPresales(db: Database, now: number): Promise<(EndedPresaleOrder & { sku: string })[]> {
  const rows = await rowsOf<{ sku: string; qty: number | string; status: string }>(
    db,
    sql`select sku, status, sum(qty) as qty from orders
        where presale is not null and status in ('paid', 'forfeited')
          and (presale->>'balanceClosesAt')::bigint <= ${now}
        group by sku, status`,
  );
  return rows.map((row) => ({ sku: row.sku, qty: Number(row.qty), outcome: row.status === "paid" ? "paid" : "forfeited" }));
}

/** A SKU's open presale: the balance window (earliest opening, latest close) and the units deposited. */
export interface OpenPresale {
  sku: string;
  startsAt: number;
  endsAt: number;
  depositUnits: number;
}

/** Presales still open, per SKU (deposit paid or balance paid, balance window not closed). */
export async function readOpenPresales(db: Database, now: number): Promise<OpenPresale[]> {
  const rows = await rowsOf<{ sku: string; starts: string; ends: string; units: string }>(
    db,
    sql`select sku, min((presale->>'balanceOpensAt')::bigint) as starts, max((presale->>'balanceClosesAt')::bigint) as ends,
          sum(qty) as units
        from orders
        where presale is not null and status in ('deposit_paid', 'paid')
          and (presale->>'balanceClosesAt')::bigint > ${now}
        group by sku`,
  );
  return rows.map((row) => ({ sku: row.sku, startsAt: Number(row.starts), endsAt: Number(row.ends), depositUnits: Number(row.units) }));
}

/** The units one SKU's open presale orders hold now (0 when none). */
export async function depositUnitsOf(db: Database, sku: string, now: number): Promise<number> {
  const [row] = await rowsOf<{ units: string | null }>(
    db,
    sql`select sum(qty) as units from orders
        where sku = ${sku} and presale is not null and status in ('deposit_paid', 'paid')
          and (presale->>'balanceClosesAt')::bigint > ${now}`,
  );
  return Number(row?.units ?? 0);
}
