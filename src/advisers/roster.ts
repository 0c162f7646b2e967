import { asc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { advisers } from "../db/schema.ts";
import { fail, type Result, succeed } from "../errors.ts";
import { findAccountById } from "../staff/account-store.ts";
import { rosterLoads } from "./assignment-store.ts";

/**
 * The advisers' roster (issue 17): staff accounts with the adviser role, each on or off shift.
 * Joining is by the staff account; leaving is assignment-store.ts's removeAdviser, which moves
 * the adviser's shoppers.
 */

/** An adviser as the console shows them, with their load. Times in epoch ms. */
export interface RosterAdviser {
  id: string;
  staffId: string;
  displayName: string;
  onShift: boolean;
  createdAt: number;
  lastAssignedAt: number | null;
  shoppers: number;
  openConversations: number;
}

/** The advisers on the roster, in joining order, with how many shoppers and open conversations each has. */
export async function listRoster(db: Database): Promise<RosterAdviser[]> {
  const rows = await db.select().from(advisers).where(isNull(advisers.removedAt)).orderBy(asc(advisers.createdAt), asc(advisers.id));
  const loads = await rosterLoads(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => present(row, loads.get(row.id)!));
}

/** One adviser on the roster, or null. */
export async function findAdviser(db: Database, id: string): Promise<RosterAdviser | null> {
  const [row] = await db.select().from(advisers).where(eq(advisers.id, id)).limit(1);
  if (!row || row.removedAt !== null) return null;
  const loads = await rosterLoads(db, [row.id]);
  return present(row, loads.get(row.id)!);
}

/**
 * Puts a staff account on the roster (off shift until put on). It must be an active account
 * with the adviser role. An account that left comes back as the same adviser; one already on
 * the roster is answered as it is.
 */
export async function addAdviser(
  db: Database,
  input: { staffId: string; displayName?: string | undefined },
  now: number,
): Promise<Result<{ adviser: RosterAdviser; created: boolean }>> {
  const account = await findAccountById(db, input.staffId);
  if (!account || account.disabledAt !== null) return fail("not_found", `no active staff account "${input.staffId}"`);
  if (account.role !== "adviser") {
    return fail("invalid_request", `only a staff account with the adviser role joins the roster; this one is ${account.role}`, {
      problems: [`staffId: the account's role is ${account.role}, not adviser`],
    });
  }
  const [row] = await db
    .insert(advisers)
    .values({
      id: `adv_${crypto.randomUUID()}`,
      staffId: account.id,
      displayName: input.displayName ?? account.name,
      onShift: false,
      createdAt: new Date(now),
    })
    .onConflictDoUpdate({
      target: advisers.staffId,
      set: { removedAt: null, displayName: sql`coalesce(${input.displayName ?? null}, ${advisers.displayName})` },
    })
    .returning({ id: advisers.id, createdAt: advisers.createdAt });
  const adviser = await findAdviser(db, row!.id);
  return succeed({ adviser: adviser!, created: row!.createdAt.getTime() === now });
}

function present(row: typeof advisers.$inferSelect, load: { shoppers: number; open: number }): RosterAdviser {
  return {
    id: row.id,
    staffId: row.staffId,
    displayName: row.displayName,
    onShift: row.onShift,
    createdAt: row.createdAt.getTime(),
    lastAssignedAt: row.lastAssignedAt?.getTime() ?? null,
    shoppers: load.shoppers,
    openConversations: load.open,
  };
}
