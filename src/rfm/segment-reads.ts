import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { SEGMENTS, type Segment } from "./segment-names.ts";

/** A transaction or the database. */
type Executor = Pick<Database, "execute">;

/** A shopper's scores as the last run left them. */
export interface ShopperScores {
  shopperId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: Segment;
  previousSegment: Segment | null;
  runId: string;
  computedAt: number;
}

type ScoreRow = {
  shopper_id: string;
  recency_days: number;
  frequency: number;
  monetary: string;
  r: number;
  f: number;
  m: number;
  segment: string;
  previous_segment: string | null;
  run_id: string;
  computed_at: string;
};

const isSegment = (value: string | null): value is Segment => value !== null && (SEGMENTS as readonly string[]).includes(value);

function scoresOf(row: ScoreRow): ShopperScores | null {
  if (!isSegment(row.segment)) return null;
  return {
    shopperId: row.shopper_id,
    recencyDays: row.recency_days,
    frequency: row.frequency,
    monetary: Number(row.monetary),
    r: row.r,
    f: row.f,
    m: row.m,
    segment: row.segment,
    previousSegment: isSegment(row.previous_segment) ? row.previous_segment : null,
    runId: row.run_id,
    computedAt: new Date(row.computed_at).getTime(),
  };
}

/** A shopper's scores, or null when no run has scored them (no paid order yet). */
export async function shopperScores(db: Executor, shopperId: string): Promise<ShopperScores | null> {
  const rows = await db.execute<ScoreRow>(sql`select * from rfm_scores where shopper_id = ${shopperId}`);
  return rows.rows[0] ? scoresOf(rows.rows[0]) : null;
}

/**
 * The segment a shopper is in (issue 17), for the capabilities that target by segment (coupon
 * audiences, sequences, the adviser's profile panel): one primary-key read. Null: not scored.
 */
export async function shopperSegment(db: Executor, shopperId: string): Promise<Segment | null> {
  const rows = await db.execute<{ segment: string }>(sql`select segment from rfm_scores where shopper_id = ${shopperId}`);
  const segment = rows.rows[0]?.segment ?? null;
  return isSegment(segment) ? segment : null;
}

/**
 * One page of a segment's shoppers in shopper-id order, after `after` (keyset paging: each page
 * one index range, however deep), for the CSV export.
 */
export async function segmentPage(db: Executor, segment: Segment, after: string, limit: number): Promise<ShopperScores[]> {
  const rows = await db.execute<ScoreRow>(sql`
    select * from rfm_scores where segment = ${segment} and shopper_id > ${after} order by shopper_id limit ${limit}`);
  return rows.rows.map(scoresOf).filter((row): row is ShopperScores => row !== null);
}
