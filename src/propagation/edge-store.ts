/**
 * The propagation graph in Postgres (issue 14): `propagation_edges` (src/db/schema.ts), read
 * for the console and written by the helpers that see an invitation happen (landings → visit,
 * team joins → join, paid orders → order).
 *
 * Writing, `recordEdge`: the tree rule of ./graph.ts, applied by the database as each edge
 * arrives. A new edge is the invitee's tree edge (`tree_edge`) only when all of these hold:
 * 1. the invitee has no parent in the campaign yet (no tree edge of theirs);
 * 2. the invitee is not in the campaign's tree as a root already (not an inviter of any of
 *    its edges): first touch places a shopper, and a shopper who shared before anyone reached
 *    them stays a root, as buildTree has it, so the stored column and the console's tree agree;
 * 3. the invitee is not an ancestor of the inviter: the inviter's parents are walked up in a
 *    recursive CTE, at most MAX_ANCESTRY_DEPTH steps; a chain longer than that is taken as
 *    reaching the invitee (the safe side: a touch, never a cycle).
 * While every writer keeps rule 2, rule 3 follows from it (an ancestor has a child, so is an
 * inviter); it is checked anyway, so that no writer's mistake (and no row written by hand)
 * can ever hang a shopper below their own descendant. The partial unique index
 * `propagation_edges_one_parent` holds every invitee to one parent whatever happens.
 *
 * Concurrency: the edge's two shoppers are locked (transaction-scoped advisory locks, the
 * same keys as src/share/share-store.ts takes, in one order) before looking, so two edges
 * that share a shopper are decided one after the other: A→B and B→A at once never both
 * become tree edges. An edge that closes a longer cycle shares a shopper with the edge that
 * would complete it, so the same holds. Call it inside a transaction (`db.transaction`), or
 * use `recordEdges`, which opens one.
 *
 * Idempotent: the `propagation_edges_once` key (campaign, inviter, invitee, kind, order id,
 * nulls not distinct) makes a redelivered edge insert nothing; an order edge is also once
 * per order id, whoever it is credited to.
 *
 * Reading, `readCampaignEdges`: bounded, the newest MAX_CAMPAIGN_EDGES edges, and says when
 * it left older ones out (the tree is then built from the edges read: shoppers whose first
 * edge was left out appear as roots).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { propagationEdges } from "../db/schema.ts";
import type { EdgeKind, EdgeRole, PropagationEdge } from "./graph.ts";

/** What a writer needs: a drizzle handle or the transaction it runs in. */
export type Executor = Pick<Database, "execute">;

/** The most edges a campaign's report reads: the newest this many. */
export const MAX_CAMPAIGN_EDGES = 20_000;
/** How far up the inviter's parents the ancestry check walks. */
export const MAX_ANCESTRY_DEPTH = 64;
/** The most campaigns the list answers, most recently active first. */
export const MAX_CAMPAIGNS = 500;

export interface EdgeInput {
  campaign: string;
  inviterId: string;
  inviteeId: string;
  kind: EdgeKind;
  /** Epoch ms, server time. */
  at: number;
  /** Order edges: the order credited and its amount in integer fen. */
  orderId?: string | null;
  amount?: number | null;
}

/**
 * What recording did: `tree`, `touch` and `back_edge` as ./graph.ts names them (a back edge
 * reached an ancestor of its inviter: refused as a tree edge, kept as a touch); `self` was not
 * written (a shopper inviting themself); `duplicate` was there already (nothing written).
 */
export type RecordOutcome = EdgeRole | "duplicate";

/** Takes the advisory locks of these shoppers' edges, each once, in one order (no deadlock between writers). */
export async function lockShoppers(db: Executor, shopperIds: Iterable<string>): Promise<void> {
  for (const id of [...new Set(shopperIds)].sort()) {
    await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`propagation:${id}`}))`);
  }
}

/**
 * Records one edge by the tree rule (see the module comment). Run it in a transaction: the
 * locks it takes last until the transaction ends.
 */
export async function recordEdge(tx: Executor, edge: EdgeInput): Promise<RecordOutcome> {
  if (edge.inviterId === edge.inviteeId) return "self";
  const orderId = edge.kind === "order" ? (edge.orderId ?? null) : null;
  if (edge.kind === "order" && orderId === null) throw new Error("an order edge needs its order id");
  await lockShoppers(tx, [edge.inviterId, edge.inviteeId]);
  const { rows } = await tx.execute<{ tree_edge: boolean; back_edge: boolean }>(sql`
    with recursive ancestors(id, steps) as (
      select ${edge.inviterId}::text, 0
      union all
      select parent.inviter_id, ancestors.steps + 1
      from ancestors
      join ${propagationEdges} parent
        on parent.campaign = ${edge.campaign} and parent.tree_edge and parent.invitee_id = ancestors.id
      where ancestors.steps < ${MAX_ANCESTRY_DEPTH}
    ),
    verdict as (
      select
        exists (select 1 from ancestors where id = ${edge.inviteeId})
          or exists (select 1 from ancestors where steps >= ${MAX_ANCESTRY_DEPTH}) as back_edge,
        exists (
          select 1 from ${propagationEdges} e
          where e.campaign = ${edge.campaign}
            and ((e.invitee_id = ${edge.inviteeId} and e.tree_edge) or e.inviter_id = ${edge.inviteeId})
        ) as placed
    )
    insert into ${propagationEdges} (campaign, inviter_id, invitee_id, kind, order_id, amount, at, tree_edge)
    select ${edge.campaign}, ${edge.inviterId}, ${edge.inviteeId}, ${edge.kind}, ${orderId}::text,
      ${edge.kind === "order" ? (edge.amount ?? 0) : null}::bigint, ${new Date(edge.at).toISOString()}::timestamptz,
      not verdict.back_edge and not verdict.placed
    from verdict
    where ${orderId}::text is null or not exists (
      select 1 from ${propagationEdges} o where o.kind = 'order' and o.order_id = ${orderId}::text
    )
    on conflict do nothing
    returning tree_edge, (select back_edge from verdict) as back_edge`);
  const row = rows[0];
  if (row === undefined) return "duplicate";
  return row.tree_edge ? "tree" : row.back_edge ? "back_edge" : "touch";
}

/** Records edges in order, in one transaction; the outcome of each. */
export async function recordEdges(db: Database, edges: readonly EdgeInput[]): Promise<RecordOutcome[]> {
  return db.transaction(async (tx) => {
    const outcomes: RecordOutcome[] = [];
    for (const edge of edges) outcomes.push(await recordEdge(tx, edge));
    return outcomes;
  });
}

interface EdgeRow extends Record<string, unknown> {
  campaign: string;
  inviter_id: string;
  invitee_id: string;
  kind: EdgeKind;
  order_id: string | null;
  amount: string | number | null;
  at: string | Date;
  tree_edge: boolean;
}

/** A stored edge, with what the database decided for the tree. */
export interface StoredEdge extends PropagationEdge {
  treeEdge: boolean;
}

export interface CampaignEdges {
  campaign: string;
  /** Oldest first, as ./graph.ts takes them. */
  edges: StoredEdge[];
  /** Edges the campaign has in all. */
  total: number;
  /** Whether older edges were left out (more than `limit`). */
  truncated: boolean;
  limit: number;
}

const epochOf = (at: string | Date) => (at instanceof Date ? at.getTime() : Date.parse(at));

/** A campaign's newest `limit` edges (at most MAX_CAMPAIGN_EDGES), oldest first, and whether older ones were left out. */
export async function readCampaignEdges(db: Executor, campaign: string, limit = MAX_CAMPAIGN_EDGES): Promise<CampaignEdges> {
  const bounded = Math.max(1, Math.min(limit, MAX_CAMPAIGN_EDGES));
  const [{ rows }, counted] = await Promise.all([
    db.execute<EdgeRow>(sql`
      select campaign, inviter_id, invitee_id, kind, order_id, amount, at, tree_edge
      from ${propagationEdges}
      where campaign = ${campaign}
      order by at desc, id desc
      limit ${bounded}`),
    db.execute<{ total: string | number }>(sql`select count(*) as total from ${propagationEdges} where campaign = ${campaign}`),
  ]);
  const total = Number(counted.rows[0]?.total ?? 0);
  const edges = rows.reverse().map(
    (row): StoredEdge => ({
      campaign: row.campaign,
      inviterId: row.inviter_id,
      inviteeId: row.invitee_id,
      kind: row.kind,
      at: epochOf(row.at),
      orderId: row.order_id,
      amount: row.amount === null ? null : Number(row.amount),
      treeEdge: row.tree_edge,
    }),
  );
  return { campaign, edges, total, truncated: total > edges.length, limit: bounded };
}

/** A campaign in the list: its edges by kind. */
export interface CampaignSummary {
  campaign: string;
  edges: number;
  visits: number;
  joins: number;
  orders: number;
  /** The order edges' amounts, fen. */
  revenue: number;
  /** Shoppers who appear in its edges. */
  people: number;
  firstAt: number;
  lastAt: number;
}

/** Every campaign with edges, most recently active first (at most MAX_CAMPAIGNS). */
export async function listCampaigns(db: Executor, limit = MAX_CAMPAIGNS): Promise<CampaignSummary[]> {
  const { rows } = await db.execute<{
    campaign: string;
    edges: string | number;
    visits: string | number;
    joins: string | number;
    orders: string | number;
    revenue: string | number | null;
    people: string | number;
    first_at: string | Date;
    last_at: string | Date;
  }>(sql`
    with counts as (
      select campaign, count(*) as edges,
        count(*) filter (where kind = 'visit') as visits,
        count(*) filter (where kind = 'join') as joins,
        count(*) filter (where kind = 'order') as orders,
        coalesce(sum(amount) filter (where kind = 'order'), 0) as revenue,
        min(at) as first_at, max(at) as last_at
      from ${propagationEdges}
      group by campaign
      order by max(at) desc
      limit ${Math.max(1, Math.min(limit, MAX_CAMPAIGNS))}
    )
    select counts.*, (
      select count(*) from (
        select inviter_id from ${propagationEdges} p where p.campaign = counts.campaign
        union
        select invitee_id from ${propagationEdges} p where p.campaign = counts.campaign
      ) shoppers
    ) as people
    from counts
    order by last_at desc, campaign`);
  return rows.map((row) => ({
    campaign: row.campaign,
    edges: Number(row.edges),
    visits: Number(row.visits),
    joins: Number(row.joins),
    orders: Number(row.orders),
    revenue: Number(row.revenue ?? 0),
    people: Number(row.people),
    firstAt: epochOf(row.first_at),
    lastAt: epochOf(row.last_at),
  }));
}

/**
 * Teams of the team-up campaign of this id that completed: distinct teams in `team_completed`
 * events (src/events/event.ts, one per member of a completed team; `props.campaignId`,
 * `props.teamId`). The graph cannot tell: a join edge says who joined through whom, not
 * whether the team filled. 0 for a campaign that is no team-up campaign of that id.
 */
export async function completedTeams(db: Executor, campaign: string): Promise<number> {
  const { rows } = await db.execute<{ teams: string | number }>(sql`
    select count(distinct props->>'teamId') as teams
    from events
    where type = 'team_completed' and props->>'campaignId' = ${campaign}`);
  return Number(rows[0]?.teams ?? 0);
}
