import { z } from "zod";
import { randomBase36 } from "../encoding.ts";
import type { SignInMethod, StaffIdentity } from "./identity.ts";
import { ROLES, type Role } from "./roles.ts";

/**
 * A staff account as the domain sees it (issue 11): who, what role, which stores, and the
 * two facts every credential is checked against: whether it is disabled, and from when its
 * sessions count (`sessionsValidAfter`: signing out everywhere, a password change or
 * disabling moves it to now, and every session issued before is refused).
 */
export interface StaffAccount {
  id: string;
  /** Lowercase: one account per address, however it is typed. */
  email: string;
  name: string;
  role: Role;
  stores: string[];
  /** null for an account that signs in only through Cloudflare Access. */
  passwordHash: string | null;
  disabledAt: number | null;
  sessionsValidAfter: number;
  createdAt: number;
}

export const STAFF_ACCOUNT_ID = /^stf_[0-9a-z]{24}$/;

export function newStaffAccountId(): string {
  return `stf_${randomBase36(24)}`;
}

/** The one spelling of an address: trimmed and lowercased (the table's unique index is on lower(email) too). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailSchema = z.string().trim().max(254).pipe(z.email("an email address")).transform(normalizeEmail);

export const nameSchema = z.string().trim().min(1, "a name").max(64);
export const roleSchema = z.enum(ROLES);

/** A store's id: what the store routes (a later issue) will name stores by. */
export const storeIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes");
export const storesSchema = z
  .array(storeIdSchema)
  .max(100)
  .transform((stores) => [...new Set(stores)].sort());

/**
 * Store staff work in named stores and must have at least one; every other role acts across
 * the whole shop and has none, so a store list can never narrow or widen what an owner does
 * by accident. One line per problem, at the `stores` path.
 */
export function storeScopeProblems(role: Role, stores: readonly string[]): string[] {
  if (role === "store_staff" && stores.length === 0) return ["stores: store staff need at least one store"];
  if (role !== "store_staff" && stores.length > 0) return [`stores: only store staff are scoped to stores, not a ${role}`];
  return [];
}

/** Who an account is on a request, signed in by `via`. */
export function accountIdentity(account: StaffAccount, via: SignInMethod): StaffIdentity {
  return {
    id: account.id,
    name: account.name,
    email: account.email,
    role: account.role,
    stores: account.role === "store_staff" ? [...account.stores] : [],
    via,
  };
}

/** An account may act when it is not disabled. */
export function isActive(account: Pick<StaffAccount, "disabledAt">): boolean {
  return account.disabledAt === null;
}
