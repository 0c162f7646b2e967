import { sign, verify } from "../signing.ts";
import { isActive, STAFF_ACCOUNT_ID, type StaffAccount } from "./account.ts";

/**
 * The staff session: an HMAC-signed token naming an account, when it was issued and when it
 * expires, carried in an HttpOnly cookie (issue 11). Signed with STAFF_SESSION_SECRET
 * through src/signing.ts, the same format as the shopper's cookie, and kept apart from it
 * twice over: by its own secret, and by a context label inside the signed text, so that
 * even with one secret configured for both a shopper's signed `shp_…` id can never read as
 * a staff session, nor a staff token as a shopper.
 */
export const STAFF_SESSION_TTL_MS = 12 * 3_600_000;

const CONTEXT = "fs-staff-session.v1";
const TOKEN = /^fs-staff-session\.v1:(stf_[0-9a-z]{24}):([0-9]{1,15}):([0-9]{1,15})$/;

export interface StaffSession {
  accountId: string;
  issuedAt: number;
  expiresAt: number;
}

/** A new session for an account, issued at `now` (server clock, ms), and its signed token. */
export async function issueStaffSession(accountId: string, secret: string, now: number): Promise<{ session: StaffSession; token: string }> {
  if (!STAFF_ACCOUNT_ID.test(accountId)) throw new Error("not a staff account id");
  const session = { accountId, issuedAt: now, expiresAt: now + STAFF_SESSION_TTL_MS };
  const token = await sign(`${CONTEXT}:${session.accountId}:${session.issuedAt}:${session.expiresAt}`, secret);
  return { session, token };
}

/** The session a token carries when its signature holds and it has not expired at `now`; else null. */
export async function readStaffSession(token: string, secret: string, now: number): Promise<StaffSession | null> {
  const value = await verify(token, secret);
  const match = value === null ? null : TOKEN.exec(value);
  if (!match) return null;
  const session = { accountId: match[1]!, issuedAt: Number(match[2]), expiresAt: Number(match[3]) };
  return now < session.expiresAt ? session : null;
}

/**
 * Whether the account still honours a session: it is not disabled, and nothing revoked its
 * sessions (sign-out everywhere, a new password, disabling) after this one was issued.
 */
export function sessionHonoured(session: StaffSession, account: Pick<StaffAccount, "disabledAt" | "sessionsValidAfter">): boolean {
  return isActive(account) && account.sessionsValidAfter <= session.issuedAt;
}
