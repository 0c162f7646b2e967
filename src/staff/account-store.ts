import { asc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { describeDatabaseFailure } from "../db/errors.ts";
import { staffAccounts } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { normalizeEmail, type StaffAccount } from "./account.ts";

/** Staff accounts in Postgres (table `staff_accounts`, migration drizzle/0004_staff_accounts.sql). */

type Row = typeof staffAccounts.$inferSelect;

/** What may change on an account; every field optional, times in ms. */
export type AccountChanges = Partial<Pick<StaffAccount, "name" | "role" | "stores" | "passwordHash" | "disabledAt" | "sessionsValidAfter">>;

export async function findAccountById(db: Database, id: string): Promise<StaffAccount | null> {
  const [row] = await db.select().from(staffAccounts).where(eq(staffAccounts.id, id)).limit(1);
  return row ? fromRow(row) : null;
}

/** The account of an address, however it is cased. */
export async function findAccountByEmail(db: Database, email: string): Promise<StaffAccount | null> {
  const [row] = await db
    .select()
    .from(staffAccounts)
    .where(sql`lower(${staffAccounts.email}) = ${normalizeEmail(email)}`)
    .limit(1);
  return row ? fromRow(row) : null;
}

/** Every account, by email. */
export async function listAccounts(db: Database): Promise<StaffAccount[]> {
  const rows = await db.select().from(staffAccounts).orderBy(asc(staffAccounts.email));
  return rows.map(fromRow);
}

/** Stores a new account; an address that has one already is 409 `conflict`. */
export async function insertAccount(db: Database, account: StaffAccount): Promise<StaffAccount> {
  try {
    const [row] = await db.insert(staffAccounts).values(toRow(account)).returning();
    return fromRow(row!);
  } catch (error) {
    if (describeDatabaseFailure(error).constraint === "staff_accounts_email_lower") {
      throw new AppError("conflict", `a staff account for ${account.email} exists already`);
    }
    throw error;
  }
}

/** Applies changes to an account; null when there is no such account. */
export async function updateAccount(db: Database, id: string, changes: AccountChanges): Promise<StaffAccount | null> {
  const set: Partial<Row> = {};
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.role !== undefined) set.role = changes.role;
  if (changes.stores !== undefined) set.stores = changes.stores;
  if (changes.passwordHash !== undefined) set.passwordHash = changes.passwordHash;
  if (changes.disabledAt !== undefined) set.disabledAt = changes.disabledAt === null ? null : new Date(changes.disabledAt);
  if (changes.sessionsValidAfter !== undefined) set.sessionsValidAfter = new Date(changes.sessionsValidAfter);
  if (Object.keys(set).length === 0) return findAccountById(db, id);
  const [row] = await db.update(staffAccounts).set(set).where(eq(staffAccounts.id, id)).returning();
  return row ? fromRow(row) : null;
}

function fromRow(row: Row): StaffAccount {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    stores: row.stores,
    passwordHash: row.passwordHash,
    disabledAt: row.disabledAt?.getTime() ?? null,
    sessionsValidAfter: row.sessionsValidAfter.getTime(),
    createdAt: row.createdAt.getTime(),
  };
}

function toRow(account: StaffAccount): typeof staffAccounts.$inferInsert {
  return {
    ...account,
    email: normalizeEmail(account.email),
    disabledAt: account.disabledAt === null ? null : new Date(account.disabledAt),
    sessionsValidAfter: new Date(account.sessionsValidAfter),
    createdAt: new Date(account.createdAt),
  };
}
