import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { adviserAssignments, advisers, conversations } from "../db/schema.ts";
import { fail, type Result, succeed } from "../errors.ts";
import { pickAdviser, reassign, type RosterEntry } from "./round-robin.ts";

/**
 * The roster's assignments in Postgres (issue 17). Every change of who serves whom runs under
 * one transaction-scoped advisory lock, so 20 first messages at once are assigned one after
 * another (7/7/6 over three advisers) and a shopper whose first messages race is given one
 * adviser, never two. The rule itself is round-robin.ts's, over the roster read under the lock.
 */

/** The advisory lock of the roster's assignments, named as the other locks are (hashed text). */
const ASSIGNMENT_LOCK = "advisers:assignments";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** How a shopper came to their adviser. */
export type AssignmentReason = "round_robin" | "reassigned";

/** A shopper's adviser: who, and whether this call assigned them. */
export interface Assignment {
  adviserId: string;
  displayName: string;
  assigned: boolean;
}

/**
 * The shopper's adviser, assigned round robin if they have none (or theirs left). A read
 * first, without the lock: a shopper who has one costs one indexed read.
 */
export async function adviserFor(db: Database, shopperId: string, now: number): Promise<Result<Assignment>> {
  const known = await currentAssignment(db, shopperId);
  if (known) return succeed({ ...known, assigned: false });
  return db.transaction(async (tx) => {
    await lock(tx);
    const again = await currentAssignment(tx, shopperId);
    if (again) return succeed({ ...again, assigned: false });
    const roster = await readRoster(tx);
    const pick = pickAdviser(roster, now);
    if (!pick) return fail("no_adviser", "no adviser is on the roster yet; try again later");
    const stamp = pick.roster.find((adviser) => adviser.id === pick.adviserId)!.lastAssignedAt!;
    await tx
      .insert(adviserAssignments)
      .values({ shopperId, adviserId: pick.adviserId, assignedAt: new Date(now), reason: "round_robin" })
      .onConflictDoUpdate({
        target: adviserAssignments.shopperId,
        set: { adviserId: pick.adviserId, assignedAt: new Date(now), reason: "round_robin" },
      });
    await tx
      .update(advisers)
      .set({ lastAssignedAt: new Date(stamp) })
      .where(eq(advisers.id, pick.adviserId));
    const [row] = await tx.select({ displayName: advisers.displayName }).from(advisers).where(eq(advisers.id, pick.adviserId));
    return succeed({ adviserId: pick.adviserId, displayName: row!.displayName, assigned: true });
  });
}

/**
 * Takes an adviser off the roster and gives each of their shoppers (longest served first) to
 * those who stay, round robin; their open conversations follow. Resolved conversations keep
 * the adviser who served them (the board measures them). Nobody left: the shoppers keep the
 * departed adviser until their next message, which assigns them afresh.
 */
export async function removeAdviser(db: Database, adviserId: string, now: number): Promise<Result<{ reassigned: number }>> {
  return db.transaction(async (tx) => {
    await lock(tx);
    const roster = await readRoster(tx, adviserId);
    const leaving = roster.find((adviser) => adviser.id === adviserId);
    if (!leaving || leaving.removedAt !== null) return fail("not_found", `no adviser "${adviserId}" on the roster`);
    const served = await tx
      .select({ shopperId: adviserAssignments.shopperId })
      .from(adviserAssignments)
      .where(eq(adviserAssignments.adviserId, adviserId))
      .orderBy(asc(adviserAssignments.assignedAt), asc(adviserAssignments.shopperId));
    const { moves, roster: after } = reassign(
      roster,
      adviserId,
      served.map((row) => row.shopperId),
      now,
    );
    await tx
      .update(advisers)
      .set({ removedAt: new Date(now), onShift: false })
      .where(eq(advisers.id, adviserId));
    if (moves.size > 0) {
      const pairs = [...moves].map(([shopperId, to]) => sql`(${shopperId}, ${to})`);
      const moved = sql`(values ${sql.join(pairs, sql`, `)}) as moved(shopper_id, adviser_id)`;
      await tx.execute(sql`update adviser_assignments a set adviser_id = moved.adviser_id, assigned_at = ${new Date(now).toISOString()}, reason = 'reassigned'
        from ${moved} where a.shopper_id = moved.shopper_id`);
      await tx.execute(sql`update conversations c set adviser_id = moved.adviser_id
        from ${moved} where c.shopper_id = moved.shopper_id and c.status = 'open'`);
      for (const adviser of after) {
        const before = roster.find((entry) => entry.id === adviser.id);
        if (adviser.id !== adviserId && adviser.lastAssignedAt !== before?.lastAssignedAt) {
          await tx
            .update(advisers)
            .set({ lastAssignedAt: new Date(adviser.lastAssignedAt!) })
            .where(eq(advisers.id, adviser.id));
        }
      }
    }
    return succeed({ reassigned: moves.size });
  });
}

/** Puts an adviser on or off shift (who is on shift takes new shoppers; an assignment stays either way). */
export async function setOnShift(db: Database, adviserId: string, onShift: boolean): Promise<boolean> {
  const rows = await db
    .update(advisers)
    .set({ onShift })
    .where(and(eq(advisers.id, adviserId), isNull(advisers.removedAt)))
    .returning({ id: advisers.id });
  return rows.length > 0;
}

/** The shopper's adviser if they have one who is still on the roster. */
async function currentAssignment(db: Database | Tx, shopperId: string): Promise<{ adviserId: string; displayName: string } | null> {
  const [row] = await db
    .select({ adviserId: advisers.id, displayName: advisers.displayName })
    .from(adviserAssignments)
    .innerJoin(advisers, eq(advisers.id, adviserAssignments.adviserId))
    .where(and(eq(adviserAssignments.shopperId, shopperId), isNull(advisers.removedAt)))
    .limit(1);
  return row ?? null;
}

/** The advisers on the roster (and `also`, even if removed), as the rule sees them. */
async function readRoster(tx: Tx, also?: string): Promise<RosterEntry[]> {
  const rows = await tx
    .select()
    .from(advisers)
    .where(also ? sql`${advisers.removedAt} is null or ${advisers.id} = ${also}` : isNull(advisers.removedAt));
  return rows.map((row) => ({
    id: row.id,
    onShift: row.onShift,
    removedAt: row.removedAt?.getTime() ?? null,
    lastAssignedAt: row.lastAssignedAt?.getTime() ?? null,
    createdAt: row.createdAt.getTime(),
  }));
}

async function lock(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${ASSIGNMENT_LOCK}, 0))`);
}

/** Shoppers assigned to each adviser, and open conversations each has: the roster's figures. */
export async function rosterLoads(db: Database, ids: readonly string[]): Promise<Map<string, { shoppers: number; open: number }>> {
  const loads = new Map(ids.map((id) => [id, { shoppers: 0, open: 0 }]));
  if (ids.length === 0) return loads;
  const shoppers = await db
    .select({ adviserId: adviserAssignments.adviserId, n: sql<string>`count(*)` })
    .from(adviserAssignments)
    .where(inArray(adviserAssignments.adviserId, [...ids]))
    .groupBy(adviserAssignments.adviserId);
  const open = await db
    .select({ adviserId: conversations.adviserId, n: sql<string>`count(*)` })
    .from(conversations)
    .where(and(inArray(conversations.adviserId, [...ids]), eq(conversations.status, "open")))
    .groupBy(conversations.adviserId);
  for (const row of shoppers) loads.get(row.adviserId)!.shoppers = Number(row.n);
  for (const row of open) loads.get(row.adviserId)!.open = Number(row.n);
  return loads;
}
