import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { triggerId } from "../sequences/trigger-kinds.ts";
import { SEGMENT_GRID } from "./segment-map.ts";

/** A transaction or the database. */
type Executor = Pick<Database, "execute">;

/** What started a run: the Cron Trigger's schedule, or a person in the console (`actor`). */
export type RunTrigger = "schedule" | "manual";

/** How a run went, as `rfm_runs` keeps it. */
export interface RfmRun {
  id: string;
  startedAt: number;
  finishedAt: number | null;
  trigger: string;
  actor: string;
  shoppers: number;
  sizes: Record<string, number>;
  movement: Array<{ from: string | null; to: string; shoppers: number }>;
}

export interface RecomputeRequest {
  runId: string;
  /** The run's clock: orders paid up to `at` count, recency is counted to it. */
  at: number;
  trigger: RunTrigger;
  actor: string;
  /** Frequency and monetary count the orders paid in the `windowDays` before `at` (recency counts every paid order). */
  windowDays: number;
  /**
   * The schedule's run: only when the last run started more than this long before `at`, and
   * never while another run holds the lock (it skips rather than waits: the next minute asks
   * again). Absent (a person's run): always runs, after waiting for one in progress.
   */
  ifLastOlderThanMs?: number;
}

export type RecomputeOutcome =
  | { ran: true; run: RfmRun; triggers: number }
  | { ran: false; reason: "running" | "not_due" | "replayed"; run: RfmRun | null };

/**
 * One lock for every RFM run, whichever Worker or isolate starts it: a transaction-scoped
 * advisory lock (released by commit or rollback, so a crashed run cannot leave it held).
 * The key is two int4s, the second naming RFM, so other capabilities' advisory locks never meet it.
 */
const LOCK = sql`hashtext('flashsale'), hashtext('rfm-recompute')`;

/** A person's run waits at most this long for the one in progress (lock_timeout: SQLSTATE 55P03). */
const MANUAL_WAIT = "30s";

/**
 * Recomputes every shopper's RFM scores and segment in ONE transaction (issue 17):
 * 1. the lock, then (a schedule's run) whether one is due, and (a replayed run id) whether it exists;
 * 2. the run's row;
 * 3. one set-based statement: each shopper with a paid order up to `at` gets recency (whole
 *    days since their last paid order), frequency (orders paid in the window not refunded in
 *    full) and monetary (fen paid in the window less their refunds), each scored by tie-aware
 *    quintiles (src/rfm/quintiles.ts, the same formula with window functions), the segment from
 *    the grid (src/rfm/segment-map.ts, passed in as JSON so the two cannot differ); the scores
 *    upserted with `previous_segment` the segment before this run; a `segment_entered` trigger for
 *    each shopper whose segment is new or changed; and the run's sizes and movement.
 * Shoppers with no paid order at all are not scored and their rows (if any) are left alone.
 */
export async function recomputeRfm(db: Database, request: RecomputeRequest): Promise<RecomputeOutcome> {
  return db.transaction(async (tx) => {
    if (request.ifLastOlderThanMs !== undefined) {
      const locked = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${LOCK}) as locked`);
      if (!locked.rows[0]?.locked) return { ran: false, reason: "running", run: null };
      const last = await latestRun(tx);
      if (last && last.startedAt > request.at - request.ifLastOlderThanMs) return { ran: false, reason: "not_due", run: last };
    } else {
      await tx.execute(sql.raw(`set local lock_timeout = '${MANUAL_WAIT}'`));
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCK})`);
      const kept = await runById(tx, request.runId);
      if (kept) return { ran: false, reason: "replayed", run: kept };
    }
    const at = new Date(request.at).toISOString();
    const since = new Date(request.at - request.windowDays * 86_400_000).toISOString();
    await tx.execute(
      sql`insert into rfm_runs (id, started_at, trigger, actor) values (${request.runId}, ${at}, ${request.trigger}, ${request.actor})`,
    );
    const grid = JSON.stringify(SEGMENT_GRID);
    const triggerPrefix = triggerId("segment_entered", `${request.runId}:`);
    const result = await tx.execute<{ triggers: string }>(sql`
      with refunds as (
        select order_id, sum(amount) as amount from order_refunds where at <= ${at} group by order_id
      ),
      paid as (
        select o.shopper_id, h.at as paid_at, o.total_amount - coalesce(r.amount, 0) as net
        from orders o
        join order_status_history h on h.order_id = o.id and h.status = 'paid'
        left join refunds r on r.order_id = o.id
        where o.status = 'paid' and h.at <= ${at}
      ),
      measured as (
        select shopper_id,
          floor(extract(epoch from (${at}::timestamptz - max(paid_at))) / 86400)::int as recency_days,
          (count(*) filter (where paid_at > ${since} and net > 0))::int as frequency,
          coalesce(sum(greatest(net, 0)) filter (where paid_at > ${since}), 0)::bigint as monetary
        from paid group by shopper_id
      ),
      scored as (
        select *,
          (1 + (5 * (2 * (rank() over (order by recency_days desc) - 1) + count(*) over (partition by recency_days)))
            / (2 * count(*) over ()))::int as r,
          (1 + (5 * (2 * (rank() over (order by frequency) - 1) + count(*) over (partition by frequency)))
            / (2 * count(*) over ()))::int as f,
          (1 + (5 * (2 * (rank() over (order by monetary) - 1) + count(*) over (partition by monetary)))
            / (2 * count(*) over ()))::int as m
        from measured
      ),
      written as (
        insert into rfm_scores (shopper_id, recency_days, frequency, monetary, r, f, m, segment, previous_segment, run_id, computed_at)
        select shopper_id, recency_days, frequency, monetary, r, f, m,
          ${grid}::jsonb -> (r - 1) ->> ((f + m + 1) / 2 - 1), null, ${request.runId}, ${at}
        from scored
        on conflict (shopper_id) do update set
          recency_days = excluded.recency_days, frequency = excluded.frequency, monetary = excluded.monetary,
          r = excluded.r, f = excluded.f, m = excluded.m, segment = excluded.segment,
          previous_segment = rfm_scores.segment, run_id = excluded.run_id, computed_at = excluded.computed_at
        returning shopper_id, segment, previous_segment
      ),
      entered as (
        insert into sequence_triggers (id, kind, shopper_id, at, payload)
        select ${triggerPrefix} || shopper_id, 'segment_entered', shopper_id, ${at},
          jsonb_build_object('segment', segment, 'previousSegment', previous_segment, 'runId', ${request.runId}::text)
        from written where previous_segment is distinct from segment
        on conflict (id) do nothing
        returning 1
      ),
      sizes as (select segment, count(*)::int as n from written group by segment),
      moves as (
        select previous_segment, segment, count(*)::int as n from written
        where previous_segment is distinct from segment group by previous_segment, segment
      )
      update rfm_runs set
        finished_at = ${at}::timestamptz + (clock_timestamp() - transaction_timestamp()),
        shoppers = (select count(*) from written),
        sizes = (select coalesce(jsonb_object_agg(segment, n), '{}'::jsonb) from sizes),
        movement = (select coalesce(jsonb_agg(jsonb_build_object('from', previous_segment, 'to', segment, 'shoppers', n)
          order by n desc, segment, previous_segment nulls first), '[]'::jsonb) from moves)
      where id = ${request.runId}
      returning (select count(*) from entered) as triggers`);
    const run = await runById(tx, request.runId);
    return { ran: true, run: run!, triggers: Number(result.rows[0]?.triggers ?? 0) };
  });
}

type RunRow = {
  id: string;
  started_at: string;
  finished_at: string | null;
  trigger: string;
  actor: string;
  shoppers: number;
  sizes: Record<string, number>;
  movement: RfmRun["movement"];
};

const RUN_COLUMNS = sql`id, started_at, finished_at, trigger, actor, shoppers, sizes, movement`;

function runOf(row: RunRow): RfmRun {
  return {
    id: row.id,
    startedAt: new Date(row.started_at).getTime(),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).getTime(),
    trigger: row.trigger,
    actor: row.actor,
    shoppers: row.shoppers,
    sizes: row.sizes,
    movement: row.movement,
  };
}

/** A run by id, or null. */
export async function runById(db: Executor, id: string): Promise<RfmRun | null> {
  const rows = await db.execute<RunRow>(sql`select ${RUN_COLUMNS} from rfm_runs where id = ${id}`);
  return rows.rows[0] ? runOf(rows.rows[0]) : null;
}

/** The run started last, or null before the first. */
export async function latestRun(db: Executor): Promise<RfmRun | null> {
  return (await recentRuns(db, 1))[0] ?? null;
}

/** The latest runs, newest first. */
export async function recentRuns(db: Executor, limit: number): Promise<RfmRun[]> {
  const rows = await db.execute<RunRow>(sql`select ${RUN_COLUMNS} from rfm_runs order by started_at desc, id desc limit ${limit}`);
  return rows.rows.map(runOf);
}
