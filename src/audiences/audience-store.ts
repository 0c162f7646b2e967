import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { lookalikeAudienceMembers, lookalikeAudiences } from "../db/schema.ts";
import type { ShopperFacts } from "./features.ts";
import type { Lookalike } from "./lookalike.ts";

/**
 * Lookalike audiences in Postgres (issue 18): the job rows, what a seed resolves to, the pool's
 * facts for the job, the built members, and the pages the export reads.
 */

export type AudienceRow = typeof lookalikeAudiences.$inferSelect;
export type SeedKind = AudienceRow["seedKind"];
export type Seed = { kind: "segment"; segment: string } | { kind: "sku"; sku: string } | { kind: "list"; shopperIds: string[] };

/** An audience as the API and the console see it (never the seed list itself). */
export function presentAudience(row: AudienceRow) {
  return {
    id: row.id,
    name: row.name,
    seed: { kind: row.seedKind, source: row.seedSource, shoppers: row.seedCount },
    percent: row.percentTenths / 10,
    status: row.status,
    progress: row.progress,
    poolSize: row.poolSize,
    size: row.size,
    holdoutRecall: row.holdoutRecall,
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt.getTime(),
    builtAt: row.builtAt?.getTime() ?? null,
  };
}
export type AudienceView = ReturnType<typeof presentAudience>;

const rowsOf = async <T>(db: Database, query: SQL): Promise<T[]> => (await db.execute(query)).rows as T[];

/** `and <column> in (<ids>)` when a pass is scoped to some shoppers (tests sharing one Postgres), else nothing. */
function scoped(column: SQL, scope: readonly string[] | undefined): SQL {
  return scope ? sql`and ${column} in (select jsonb_array_elements_text(${JSON.stringify(scope)}::jsonb))` : sql``;
}

/** How many shoppers a seed holds: a segment's scored shoppers, a SKU's buyers (paid orders), the listed ids the shop knows. */
export async function countSeed(db: Database, seed: Seed): Promise<number> {
  const [row] = await rowsOf<{ n: string }>(db, seedQuery(seed, true));
  return Number(row?.n ?? 0);
}

/** Whether any order or event names the SKU. */
export async function skuKnown(db: Database, sku: string): Promise<boolean> {
  const [row] = await rowsOf<{ known: boolean }>(
    db,
    sql`select exists (select 1 from orders where sku = ${sku}) or exists (select 1 from events where sku = ${sku}) as known`,
  );
  return row?.known === true;
}

/** The seed's shopper ids. */
export async function seedShoppers(db: Database, seed: Seed): Promise<string[]> {
  return (await rowsOf<{ shopper_id: string }>(db, seedQuery(seed, false))).map((r) => r.shopper_id);
}

function seedQuery(seed: Seed, count: boolean): SQL {
  const select = count ? sql`select count(*) as n from` : sql`select shopper_id from`;
  switch (seed.kind) {
    case "segment":
      return sql`${select} rfm_scores where segment = ${seed.segment}`;
    case "sku":
      return sql`${select} (select distinct shopper_id from orders where sku = ${seed.sku} and status = 'paid') buyers`;
    case "list":
      // A listed id counts when the shop knows the shopper: an event or an order of theirs.
      return sql`${select} (select id as shopper_id from jsonb_array_elements_text(${JSON.stringify(seed.shopperIds)}::jsonb) as listed(id)
        where exists (select 1 from events e where e.shopper_id = listed.id) or exists (select 1 from orders o where o.shopper_id = listed.id)) known`;
  }
}

export function seedOf(row: AudienceRow): Seed {
  if (row.seedKind === "segment") return { kind: "segment", segment: row.seedSource ?? "" };
  if (row.seedKind === "sku") return { kind: "sku", sku: row.seedSource ?? "" };
  return { kind: "list", shopperIds: row.seedIds ?? [] };
}

export interface NewAudience {
  id: string;
  name: string;
  seed: Seed;
  seedCount: number;
  percentTenths: number;
  idempotencyKey: string;
  createdBy: string;
  at: number;
}

/** Queues an audience once per Idempotency-Key: the same key again answers the row it made (`created` false). */
export async function queueAudience(db: Database, audience: NewAudience): Promise<{ row: AudienceRow; created: boolean }> {
  const inserted = await db
    .insert(lookalikeAudiences)
    .values({
      id: audience.id,
      name: audience.name,
      seedKind: audience.seed.kind,
      seedSource: audience.seed.kind === "segment" ? audience.seed.segment : audience.seed.kind === "sku" ? audience.seed.sku : null,
      seedIds: audience.seed.kind === "list" ? audience.seed.shopperIds : null,
      percentTenths: audience.percentTenths,
      status: "queued",
      seedCount: audience.seedCount,
      idempotencyKey: audience.idempotencyKey,
      createdBy: audience.createdBy,
      createdAt: new Date(audience.at),
    })
    .onConflictDoNothing()
    .returning();
  if (inserted[0]) return { row: inserted[0], created: true };
  const [existing] = await db
    .select()
    .from(lookalikeAudiences)
    .where(sql`${lookalikeAudiences.idempotencyKey} = ${audience.idempotencyKey}`);
  if (!existing) throw new Error(`audience ${audience.id} neither inserted nor found`);
  return { row: existing, created: false };
}

export async function readAudience(db: Database, id: string): Promise<AudienceRow | null> {
  const [row] = await db.select().from(lookalikeAudiences).where(sql`${lookalikeAudiences.id} = ${id}`);
  return row ?? null;
}

/** The newest audiences first. */
export function listAudiences(db: Database, limit: number): Promise<AudienceRow[]> {
  return db.select().from(lookalikeAudiences).orderBy(sql`${lookalikeAudiences.createdAt} desc, ${lookalikeAudiences.id}`).limit(limit);
}

/**
 * Leases up to `limit` queued audiences (and building ones whose lease of `leaseMs` ran out: a
 * job that died), `for update skip locked`, so jobs can run side by side. `only`: these and no others.
 */
export async function leaseQueuedAudiences(
  db: Database,
  limit: number,
  at: number,
  options: { leaseMs?: number; only?: readonly string[] } = {},
): Promise<AudienceRow[]> {
  const expired = new Date(at - (options.leaseMs ?? 10 * 60_000)).toISOString();
  const result = await rowsOf<{ id: string }>(
    db,
    sql`update lookalike_audiences set status = 'building', claimed_at = ${new Date(at).toISOString()}, attempts = attempts + 1, progress = 0
      where id in (
        select id from lookalike_audiences
        where (status = 'queued' or (status = 'building' and claimed_at < ${expired})) ${scoped(sql`id`, options.only)}
        order by created_at limit ${limit}
        for update skip locked)
      returning id`,
  );
  const rows: AudienceRow[] = [];
  for (const { id } of result) {
    const row = await readAudience(db, id);
    if (row) rows.push(row);
  }
  return rows;
}

export async function setProgress(db: Database, id: string, progress: number): Promise<void> {
  await db.execute(
    sql`update lookalike_audiences set progress = ${Math.max(0, Math.min(100, Math.round(progress)))} where id = ${id} and status = 'building'`,
  );
}

export async function markFailed(db: Database, id: string, message: string): Promise<void> {
  await db.execute(sql`update lookalike_audiences set status = 'failed', error = ${message.slice(0, 500)} where id = ${id}`);
}

const MEMBER_BATCH = 1_000;

/** Writes a built audience in one transaction: its members (replacing any of an earlier attempt), size, pool and status. */
export async function saveBuilt(
  db: Database,
  id: string,
  lookalike: Lookalike,
  at: number,
  holdoutRecall: number | null = null,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(lookalikeAudienceMembers).where(sql`${lookalikeAudienceMembers.audienceId} = ${id}`);
    for (let i = 0; i < lookalike.members.length; i += MEMBER_BATCH) {
      await tx
        .insert(lookalikeAudienceMembers)
        .values(
          lookalike.members
            .slice(i, i + MEMBER_BATCH)
            .map((m, j) => ({ audienceId: id, rank: i + j + 1, shopperId: m.shopperId, score: m.score })),
        );
    }
    await tx
      .update(lookalikeAudiences)
      .set({
        status: "built",
        progress: 100,
        size: lookalike.members.length,
        poolSize: lookalike.poolSize,
        holdoutRecall,
        error: null,
        builtAt: new Date(at),
      })
      .where(sql`${lookalikeAudiences.id} = ${id}`);
  });
}

/** A page of a built audience's members in rank order, after `afterRank`. */
export function membersPage(db: Database, id: string, afterRank: number, limit: number) {
  return db
    .select({ rank: lookalikeAudienceMembers.rank, shopperId: lookalikeAudienceMembers.shopperId, score: lookalikeAudienceMembers.score })
    .from(lookalikeAudienceMembers)
    .where(sql`${lookalikeAudienceMembers.audienceId} = ${id} and ${lookalikeAudienceMembers.rank} > ${afterRank}`)
    .orderBy(lookalikeAudienceMembers.rank)
    .limit(limit);
}

/**
 * The pool's facts: every shopper with an event, a paid order or RFM scores (`scope`: only
 * these shoppers), read in five grouped statements and put together here. A purchase's
 * category is its SKU's as the latest view naming one says ("other" when none does).
 */
export async function readPool(db: Database, scope?: readonly string[]): Promise<ShopperFacts[]> {
  const facts = new Map<string, ShopperFacts>();
  const of = (shopperId: string): ShopperFacts => {
    let s = facts.get(shopperId);
    if (!s) {
      s = {
        shopperId,
        views: {},
        purchases: {},
        orders: 0,
        spentFen: 0,
        recencyDays: null,
        devices: { phone: 0, tablet: 0, desktop: 0 },
        locales: { zh: 0, en: 0 },
        rfm: null,
      };
      facts.set(shopperId, s);
    }
    return s;
  };
  const views = await rowsOf<{ shopper_id: string; category: string; n: string }>(
    db,
    sql`select shopper_id, category, count(*) as n from events where type = 'product_view' and category is not null ${scoped(sql`shopper_id`, scope)} group by 1, 2`,
  );
  for (const r of views) of(r.shopper_id).views[r.category] = Number(r.n);
  const mix = await rowsOf<{ shopper_id: string; device: string; zh: boolean | null; n: string }>(
    db,
    sql`select shopper_id, device, locale like 'zh%' as zh, count(*) as n from events where true ${scoped(sql`shopper_id`, scope)} group by 1, 2, 3`,
  );
  for (const r of mix) {
    const s = of(r.shopper_id);
    if (r.device === "phone" || r.device === "tablet" || r.device === "desktop") s.devices[r.device] += Number(r.n);
    if (r.zh === true) s.locales.zh += Number(r.n);
    else if (r.zh === false) s.locales.en += Number(r.n);
  }
  const bought = await rowsOf<{ shopper_id: string; category: string; units: string }>(
    db,
    sql`with categories as (
          select distinct on (sku) sku, category from events where sku is not null and category is not null order by sku, at desc)
        select o.shopper_id, coalesce(c.category, 'other') as category, sum(o.qty) as units
        from orders o left join categories c on c.sku = o.sku
        where o.status = 'paid' ${scoped(sql`o.shopper_id`, scope)} group by 1, 2`,
  );
  for (const r of bought) of(r.shopper_id).purchases[r.category] = Number(r.units);
  const paid = await rowsOf<{ shopper_id: string; orders: string; spent: string; days: number | null }>(
    db,
    sql`select o.shopper_id, count(*) as orders, sum(o.total_amount) as spent,
          floor(extract(epoch from now() - max(coalesce(h.at, o.updated_at))) / 86400)::int as days
        from orders o left join order_status_history h on h.order_id = o.id and h.status = 'paid'
        where o.status = 'paid' ${scoped(sql`o.shopper_id`, scope)} group by 1`,
  );
  for (const r of paid) {
    const s = of(r.shopper_id);
    s.orders = Number(r.orders);
    s.spentFen = Number(r.spent);
    s.recencyDays = r.days === null ? null : Math.max(0, Number(r.days));
  }
  const scores = await rowsOf<{ shopper_id: string; r: number; f: number; m: number }>(
    db,
    sql`select shopper_id, r, f, m from rfm_scores where true ${scoped(sql`shopper_id`, scope)}`,
  );
  for (const r of scores) of(r.shopper_id).rfm = { r: r.r, f: r.f, m: r.m };
  return [...facts.values()].sort((a, b) => (a.shopperId < b.shopperId ? -1 : a.shopperId > b.shopperId ? 1 : 0));
}
