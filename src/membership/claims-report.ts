import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";

/** A transaction or the database. */
type Executor = Pick<Database, "execute">;

/** Which claims the console asks for: a SKU, a source, a window of claim times (epoch ms, `to` exclusive). */
export interface ClaimFilter {
  sku?: string | undefined;
  source?: "shopper" | "scan" | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

export interface ClaimRow {
  id: string;
  orderId: string;
  shopperId: string;
  sku: string;
  paidUnitPrice: number;
  dropPrice: number;
  dropAt: number;
  perUnit: number;
  units: number;
  amount: number;
  source: string;
  refundId: string | null;
  at: number;
}

export interface ClaimsReport {
  total: { claims: number; amount: number };
  bySku: Array<{ sku: string; claims: number; amount: number }>;
  /** By the day of the claim in the shop's time zone. */
  byDay: Array<{ day: string; claims: number; amount: number }>;
  claims: ClaimRow[];
}

/**
 * Price-protection claims and what they cost (issue 16), filtered, in one round trip: the
 * totals, by SKU and by day (in `timeZone`) over every matching claim, and the newest `limit`.
 */
export async function claimsReport(db: Executor, filter: ClaimFilter, timeZone: string): Promise<ClaimsReport> {
  const where = sql.join(
    [
      sql`true`,
      filter.sku ? sql`sku = ${filter.sku}` : undefined,
      filter.source ? sql`source = ${filter.source}` : undefined,
      filter.from !== undefined ? sql`at >= ${new Date(filter.from).toISOString()}` : undefined,
      filter.to !== undefined ? sql`at < ${new Date(filter.to).toISOString()}` : undefined,
    ].filter((part) => part !== undefined),
    sql` and `,
  );
  const rows = await db.execute<{ report: ClaimsReport }>(sql`
    with matching as (select * from price_protection_claims where ${where})
    select json_build_object(
      'total', (select json_build_object('claims', count(*), 'amount', coalesce(sum(amount), 0)) from matching),
      'bySku', coalesce((select json_agg(s order by s.amount desc, s.sku) from
        (select sku, count(*) as claims, sum(amount) as amount from matching group by sku) s), '[]'::json),
      'byDay', coalesce((select json_agg(d order by d.day desc) from
        (select to_char(at at time zone ${timeZone}, 'YYYY-MM-DD') as day, count(*) as claims, sum(amount) as amount
         from matching group by 1) d), '[]'::json),
      'claims', coalesce((select json_agg(json_build_object(
          'id', c.id, 'orderId', c.order_id, 'shopperId', c.shopper_id, 'sku', c.sku, 'paidUnitPrice', c.paid_unit_price,
          'dropPrice', c.drop_price, 'dropAt', (extract(epoch from c.drop_at) * 1000)::bigint, 'perUnit', c.per_unit,
          'units', c.units, 'amount', c.amount, 'source', c.source, 'refundId', c.refund_id,
          'at', (extract(epoch from c.at) * 1000)::bigint) order by c.at desc, c.id)
        from (select * from matching order by at desc, id limit ${filter.limit}) c), '[]'::json)
    ) as report`);
  const report = rows.rows[0]!.report;
  const num = (n: unknown) => Number(n);
  return {
    total: { claims: num(report.total.claims), amount: num(report.total.amount) },
    bySku: report.bySku.map((s) => ({ sku: s.sku, claims: num(s.claims), amount: num(s.amount) })),
    byDay: report.byDay.map((d) => ({ day: d.day, claims: num(d.claims), amount: num(d.amount) })),
    claims: report.claims.map((c) => ({
      ...c,
      paidUnitPrice: num(c.paidUnitPrice),
      dropPrice: num(c.dropPrice),
      dropAt: num(c.dropAt),
      perUnit: num(c.perUnit),
      amount: num(c.amount),
      at: num(c.at),
    })),
  };
}
