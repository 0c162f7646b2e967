/**
 * Share links in Postgres (issue 14): registering a sharer's referral code, recording a
 * landing (the `share_landings` row and the `visit` edge of the propagation graph, in one
 * transaction), and crediting paid orders to the last touch (the `order` edge, in the events
 * consumer's transaction). The rules are the pure modules': src/share/attribution.ts for which
 * landing an order is credited to, src/propagation/graph.ts for which edge places a shopper in
 * a campaign's tree.
 *
 * The tree rule, as the database applies it: an edge is the invitee's tree edge when the
 * invitee is not in the campaign's tree yet, that is, appears in none of its edges, as invitee
 * (someone reached them first) or as inviter (a root, or placed already). Both writers take a
 * transaction-scoped advisory lock on each shopper of the edge, in one order, before looking:
 * two edges that share a shopper are decided one after the other, so concurrent landings
 * (A through B's link while B lands through A's) can never both be tree edges and close a
 * cycle; `propagation_edges_one_parent` holds every invitee to one parent whatever happens.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { propagationEdges, referralCodes, shareLandings } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { ShopperEvent } from "../events/event.ts";
import type { EdgeKind } from "../propagation/graph.ts";
import { ATTRIBUTION_WINDOW_MS, attribute, type Touch } from "./attribution.ts";
import type { ReferralCodeRow } from "./referral-code.ts";
import type { Landing } from "./share-link.ts";

type Executor = Pick<Database, "execute">;

/**
 * A landing is recorded again only after this long: the same address opened twice (a reload,
 * a retried post, the back button) within 30 minutes is one visit. A later open is a new touch,
 * which moves the last touch forward.
 */
export const LANDING_REPEAT_MS = 30 * 60 * 1000;

/**
 * The shopper's referral code as `referral_codes` holds it: `row` is registered when the
 * shopper has none (insert on conflict do nothing, so concurrent first shares are one row).
 * The stored code wins over `row.code`: a code registered under an earlier secret keeps
 * working, and the link names the code a landing can resolve. Throws in the one-in-millions
 * case of `row.code` belonging to another shopper already (the primary key refused it).
 */
export async function registerReferralCode(db: Executor, row: ReferralCodeRow): Promise<string> {
  const { rows } = await db.execute<{ code: string }>(sql`
    with inserted as (
      insert into ${referralCodes} (code, shopper_id, created_at)
      values (${row.code}, ${row.shopperId}, ${row.createdAt.toISOString()}::timestamptz)
      on conflict do nothing
      returning code
    )
    select code from inserted
    union all
    select code from ${referralCodes} where shopper_id = ${row.shopperId}
    limit 1`);
  const code = rows[0]?.code;
  if (code === undefined) throw new Error("this shopper's referral code belongs to another shopper (a 60-bit collision)");
  return code;
}

/** The shopper a referral code was registered for, or null. */
export async function referrerOf(db: Executor, code: string): Promise<string | null> {
  const { rows } = await db.execute<{ shopper_id: string }>(sql`select shopper_id from ${referralCodes} where code = ${code}`);
  return rows[0]?.shopper_id ?? null;
}

/** Takes the advisory locks of these shoppers' edges, each once, in one order (no deadlock between writers). */
async function lockShoppers(db: Executor, shopperIds: Iterable<string>): Promise<void> {
  for (const id of [...new Set(shopperIds)].sort()) {
    await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`propagation:${id}`}))`);
  }
}

interface EdgeInput {
  campaign: string;
  inviterId: string;
  inviteeId: string;
  kind: EdgeKind;
  at: number;
  orderId?: string;
  amount?: number;
}

/**
 * Inserts an edge once (the `propagation_edges_once` key; an order edge also once per order),
 * a tree edge when its invitee is not in the campaign's tree yet. The caller holds both
 * shoppers' locks. Returns the edge's role, or null when it was there already.
 */
async function insertEdge(db: Executor, edge: EdgeInput): Promise<"tree" | "touch" | null> {
  const orderId = edge.orderId ?? null;
  const { rows } = await db.execute<{ tree_edge: boolean }>(sql`
    insert into ${propagationEdges} (campaign, inviter_id, invitee_id, kind, order_id, amount, at, tree_edge)
    select ${edge.campaign}, ${edge.inviterId}, ${edge.inviteeId}, ${edge.kind}, ${orderId}::text, ${edge.amount ?? null}::bigint,
      ${new Date(edge.at).toISOString()}::timestamptz,
      not exists (
        select 1 from ${propagationEdges} e
        where e.campaign = ${edge.campaign} and (e.invitee_id = ${edge.inviteeId} or e.inviter_id = ${edge.inviteeId})
      )
    where ${orderId}::text is null or not exists (
      select 1 from ${propagationEdges} o where o.kind = 'order' and o.order_id = ${orderId}::text
    )
    on conflict do nothing
    returning tree_edge`);
  const row = rows[0];
  return row === undefined ? null : row.tree_edge ? "tree" : "touch";
}

export interface LandingInput {
  shopperId: string;
  landing: Landing;
  /** Epoch ms, server time. */
  at: number;
}

export interface LandingOutcome {
  /** False when there was nothing to record (no `ref`, no UTM) or the same landing was recorded within LANDING_REPEAT_MS. */
  recorded: boolean;
  /** The shopper the link's referral code belongs to; null when none or unknown. */
  referrerId: string | null;
  /** The `visit` edge written: it placed the shopper in the campaign's tree, or was a later touch; null when none was written. */
  edge: "tree" | "touch" | null;
}

/**
 * Records a landing in one transaction: resolves its referral code, refuses a self-referral
 * (409 `self_referral`, nothing written), writes the `share_landings` row and, when a known
 * referrer and a campaign are named, the `visit` edge. Idempotent: the same landing again
 * within LANDING_REPEAT_MS writes nothing (per-shopper lock, so concurrent posts are one), and
 * the edge is once per campaign, inviter and invitee anyway.
 */
export function recordLanding(db: Database, { shopperId, landing, at }: LandingInput): Promise<LandingOutcome> {
  const { utm, referralCode } = landing;
  if (referralCode === null && Object.keys(utm).length === 0) {
    return Promise.resolve({ recorded: false, referrerId: null, edge: null });
  }
  return db.transaction(async (tx) => {
    const referrerId = referralCode === null ? null : await referrerOf(tx, referralCode);
    if (referrerId === shopperId) {
      throw new AppError("self_referral", "this link carries your own referral code: share it with friends; nothing was recorded", {
        referralCode: referralCode ?? "",
      });
    }
    await lockShoppers(tx, referrerId === null ? [shopperId] : [shopperId, referrerId]);
    const landedAt = new Date(at).toISOString();
    const since = new Date(at - LANDING_REPEAT_MS).toISOString();
    const { rows: repeats } = await tx.execute(sql`
      select 1 from ${shareLandings}
      where shopper_id = ${shopperId} and landed_at > ${since}::timestamptz and landed_at <= ${landedAt}::timestamptz
        and referral_code is not distinct from ${referralCode}::text
        and utm_source is not distinct from ${utm.source ?? null}::text and utm_medium is not distinct from ${utm.medium ?? null}::text
        and utm_campaign is not distinct from ${utm.campaign ?? null}::text and utm_term is not distinct from ${utm.term ?? null}::text
        and utm_content is not distinct from ${utm.content ?? null}::text
      limit 1`);
    if (repeats.length > 0) return { recorded: false, referrerId, edge: null };
    await tx.execute(sql`
      insert into ${shareLandings} (shopper_id, referral_code, referrer_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, landed_at)
      values (${shopperId}, ${referralCode}, ${referrerId}, ${utm.source ?? null}, ${utm.medium ?? null}, ${utm.campaign ?? null},
        ${utm.term ?? null}, ${utm.content ?? null}, ${landedAt}::timestamptz)`);
    const edge =
      referrerId !== null && utm.campaign !== undefined
        ? await insertEdge(tx, { campaign: utm.campaign, inviterId: referrerId, inviteeId: shopperId, kind: "visit", at })
        : null;
    return { recorded: true, referrerId, edge };
  });
}

type PaidOrder = Extract<ShopperEvent, { type: "order_paid" }>;

type LandingRow = {
  shopper_id: string;
  referral_code: string | null;
  referrer_id: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  landed_at: string | Date;
};

function touchOf(row: LandingRow): Touch {
  const touch: Touch = { at: new Date(row.landed_at).getTime(), referralCode: row.referral_code, referrerId: row.referrer_id };
  if (row.utm_source !== null) touch.source = row.utm_source;
  if (row.utm_medium !== null) touch.medium = row.utm_medium;
  if (row.utm_campaign !== null) touch.campaign = row.utm_campaign;
  if (row.utm_term !== null) touch.term = row.utm_term;
  if (row.utm_content !== null) touch.content = row.utm_content;
  return touch;
}

/** An order credited to a referrer: the `order` edge written for it. */
export interface OrderCredit {
  orderId: string;
  campaign: string;
  referrerId: string;
  buyerId: string;
  amount: number;
  /** False when the order had its edge already (a redelivered event). */
  written: boolean;
}

/**
 * Credits each `order_paid` event of a batch to the last touch (src/share/attribution.ts: the
 * buyer's latest landing at or before the order, less than `windowMs` before it, never their
 * own link) by an `order` edge (campaign, inviter = referrer, invitee = buyer, order id,
 * amount). One read of the buyers' landings for the whole batch; an order credited to no
 * referrer (no landing in the window, or one without a referrer or campaign) writes nothing.
 * Idempotent: one order edge per order, whatever is delivered again. Meant for the consumer's
 * transaction, beside the events themselves.
 */
export async function creditOrders(
  db: Executor,
  batch: readonly ShopperEvent[],
  windowMs: number = ATTRIBUTION_WINDOW_MS,
): Promise<OrderCredit[]> {
  const orders = batch.filter((event): event is PaidOrder => event.type === "order_paid");
  if (orders.length === 0) return [];
  const buyers = [...new Set(orders.map((order) => order.shopperId))];
  const from = new Date(Math.min(...orders.map((order) => order.at)) - windowMs).toISOString();
  const to = new Date(Math.max(...orders.map((order) => order.at))).toISOString();
  const { rows } = await db.execute<LandingRow>(sql`
    select shopper_id, referral_code, referrer_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, landed_at
    from ${shareLandings}
    where shopper_id in (select jsonb_array_elements_text(${JSON.stringify(buyers)}::jsonb)) and landed_at > ${from}::timestamptz and landed_at <= ${to}::timestamptz
    order by landed_at, id`);
  const touches = new Map<string, Touch[]>();
  for (const row of rows) {
    const list = touches.get(row.shopper_id) ?? [];
    list.push(touchOf(row));
    touches.set(row.shopper_id, list);
  }
  const credits: Array<Omit<OrderCredit, "written"> & { at: number }> = [];
  for (const order of orders) {
    const credit = attribute(
      touches.get(order.shopperId) ?? [],
      { at: order.at, amount: order.amount, buyerId: order.shopperId },
      windowMs,
    );
    if (credit?.referrerId == null || credit.campaign === null || credit.referrerId === order.shopperId) continue;
    credits.push({
      orderId: order.orderId,
      campaign: credit.campaign,
      referrerId: credit.referrerId,
      buyerId: order.shopperId,
      amount: order.amount,
      at: order.at,
    });
  }
  if (credits.length === 0) return [];
  await lockShoppers(
    db,
    credits.flatMap((credit) => [credit.referrerId, credit.buyerId]),
  );
  const written: OrderCredit[] = [];
  for (const { at, ...credit } of credits) {
    const role = await insertEdge(db, {
      campaign: credit.campaign,
      inviterId: credit.referrerId,
      inviteeId: credit.buyerId,
      kind: "order",
      at,
      orderId: credit.orderId,
      amount: credit.amount,
    });
    written.push({ ...credit, written: role !== null });
  }
  return written;
}
