import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { timingSafeEqual } from "hono/utils/buffer";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase, type Database } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { verifyAccessAssertion, type AccessConfig } from "../../../src/staff/access.ts";
import { accountIdentity, isActive } from "../../../src/staff/account.ts";
import { findAccountByEmail, findAccountById } from "../../../src/staff/account-store.ts";
import { apiKeyId, apiKeyIdentity, apiKeyMatches, apiKeyUsable, looksLikeApiKey } from "../../../src/staff/api-key.ts";
import { findApiKey, touchApiKey } from "../../../src/staff/api-key-store.ts";
import { adminOpen, staffAuthConfig, type StaffAuthConfig } from "../../../src/staff/auth-config.ts";
import type { StaffIdentity } from "../../../src/staff/identity.ts";
import type { Role } from "../../../src/staff/roles.ts";
import { readStaffSession, sessionHonoured, STAFF_SESSION_TTL_MS } from "../../../src/staff/session-token.ts";
import { withTimeout } from "../../../src/timeout.ts";
import { requireSameOrigin } from "../api/validation.ts";
import type { AppEnv } from "../app-env.ts";
import { adminActor } from "./request.ts";

/**
 * Who is calling the admin API (issue 11). One middleware tries each way of signing in, in
 * this order, and the first credential present decides (a wrong one is 401, not a reason to
 * try the next):
 *
 * 1. `Authorization: Bearer <ADMIN_TOKEN>`: break-glass, an owner; compared in constant time
 *    and needing no database, so it works while Postgres is down.
 * 2. `Authorization: Bearer fsk_…`: an API key, found by its id, its SHA-256 compared in
 *    constant time; a revoked key is 401. Its last use is recorded after the answer.
 * 3. `Cf-Access-Jwt-Assertion`, when Access is configured: a verified Access JWT whose email
 *    is an active staff account. An email with no active account is 403 `forbidden`: Access
 *    has proved who the person is, and no other credential would change the answer.
 * 4. The staff session cookie (`fs_staff`), when local accounts are enabled
 *    (STAFF_SESSION_SECRET). A cookie is sent by the browser on its own, so a request it
 *    authenticates that changes anything must come from this origin (403 `forbidden_origin`).
 *
 * Nothing configured: 503 `admin_closed`. No credential or a wrong one: 401 `unauthorized`
 * with `WWW-Authenticate`. It sets `c.var.staff`; `allowRoles` then admits by role.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  // Applied more than once on a request (an app's `.use` and a route's own list) it authenticates once.
  const already: StaffIdentity | undefined = c.get("staff");
  if (already) return next();
  const config = staffAuthConfig(c.env);
  if (!adminOpen(config)) {
    throw new AppError("admin_closed", "admin is closed: none of ADMIN_TOKEN, Cloudflare Access or STAFF_SESSION_SECRET is configured");
  }
  c.set("staff", await authenticate(c, config));
  await next();
});

/** A route's admission: the signed-in staff member's role must be one of `roles`, else 403 `forbidden`. */
export function allowRoles(roles: readonly Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const staff = c.get("staff");
    if (!roles.includes(staff.role)) {
      throw new AppError("forbidden", `a ${staff.role} may not make this call`, { role: staff.role, admits: [...roles] });
    }
    await next();
  });
}

/**
 * Who the audit log records for this request: the account's email, an API key's name and
 * id (a key named like a person cannot pass for one), or for the break-glass token the
 * `X-Admin-Actor` header as before (default "admin").
 */
export function auditActor(c: Context<AppEnv>): string {
  const staff = c.get("staff");
  if (staff.via === "token") return adminActor(c);
  if (staff.via === "api_key") return `${staff.name} (API key ${staff.id})`;
  return staff.email ?? staff.name;
}

export const STAFF_SESSION_COOKIE = "fs_staff";

/**
 * The staff session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's
 * page sends it, not even a link), Secure over HTTPS, and only under /admin, where the
 * console and its API live; it lasts as long as the session it carries.
 */
export function setStaffSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, STAFF_SESSION_COOKIE, token, { ...cookieScope(c), maxAge: STAFF_SESSION_TTL_MS / 1000 });
}

export function clearStaffSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, STAFF_SESSION_COOKIE, cookieScope(c));
}

function cookieScope(c: Context<AppEnv>) {
  return { httpOnly: true, secure: new URL(c.req.url).protocol === "https:", sameSite: "Strict", path: "/admin" } as const;
}

const BREAK_GLASS: StaffIdentity = { id: "break-glass", name: "admin", email: null, role: "owner", stores: [], via: "token" };
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

async function authenticate(c: Context<AppEnv>, config: StaffAuthConfig): Promise<StaffIdentity> {
  const bearer = bearerCredential(c);
  if (bearer !== null) {
    if (config.breakGlassToken !== null && (await timingSafeEqual(bearer, config.breakGlassToken))) return BREAK_GLASS;
    if (looksLikeApiKey(bearer)) return apiKeyCaller(c, bearer);
    throw unauthorized(c, "the bearer token is not valid");
  }
  const assertion = c.req.header("Cf-Access-Jwt-Assertion");
  if (config.access !== null && assertion) return accessCaller(c, config.access, assertion);
  const cookie = getCookie(c, STAFF_SESSION_COOKIE);
  if (config.sessionSecret !== null && cookie) {
    if (!SAFE_METHODS.has(c.req.method)) requireSameOrigin(c);
    return sessionCaller(c, config.sessionSecret, cookie);
  }
  throw unauthorized(c, "sign in: a bearer token or API key, a Cloudflare Access assertion, or a staff session is required");
}

/** The bearer credential, "" when the header is there but malformed, null when there is none. */
function bearerCredential(c: Context<AppEnv>): string | null {
  const header = c.req.header("Authorization");
  if (header === undefined) return null;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? "";
}

async function apiKeyCaller(c: Context<AppEnv>, key: string): Promise<StaffIdentity> {
  const id = apiKeyId(key);
  const record = id === null ? null : await staffDatabase(c, (db) => findApiKey(db, id));
  if (!record || !(await apiKeyMatches(key, record)) || !apiKeyUsable(record)) {
    throw unauthorized(c, "the API key is not valid, or it has been revoked");
  }
  const now = Date.now();
  // Recorded after the answer: a slow or failing write must not hold up or fail the call.
  c.executionCtx.waitUntil(
    withDatabase(databaseSettings(c.env), (db) => touchApiKey(db, record.id, now)).catch((error: unknown) => {
      console.error(`api key ${record.id}: last use not recorded (${describeDatabaseFailure(error).summary})`);
    }),
  );
  return apiKeyIdentity(record);
}

async function accessCaller(c: Context<AppEnv>, config: AccessConfig, assertion: string): Promise<StaffIdentity> {
  const verdict = await verifyAccessAssertion(assertion, config, Date.now());
  if (!verdict.ok && verdict.reason === "unavailable") throw new AppError("dependency_unavailable", verdict.detail);
  if (!verdict.ok) throw unauthorized(c, `Cloudflare Access: ${verdict.detail}`);
  const account = await staffDatabase(c, (db) => findAccountByEmail(db, verdict.email));
  if (!account || !isActive(account)) {
    throw new AppError("forbidden", `${verdict.email} signed in through Cloudflare Access but has no active staff account`);
  }
  return accountIdentity(account, "access");
}

async function sessionCaller(c: Context<AppEnv>, secret: string, cookie: string): Promise<StaffIdentity> {
  const session = await readStaffSession(cookie, secret, Date.now());
  const account = session === null ? null : await staffDatabase(c, (db) => findAccountById(db, session.accountId));
  if (!session || !account || !sessionHonoured(session, account)) {
    throw unauthorized(c, "the staff session has expired or was ended; sign in again");
  }
  return accountIdentity(account, "session");
}

function unauthorized(c: Context<AppEnv>, message: string): AppError {
  c.header("WWW-Authenticate", 'Bearer realm="admin"');
  return new AppError("unauthorized", message);
}

/** How long Postgres may take to answer who someone is before the call is refused. */
const STAFF_LOOKUP_TIMEOUT_MS = 5_000;

/**
 * Borrows Postgres to look a credential up. Unreachable is 503 `dependency_unavailable`,
 * never a 401 (the credential may be fine) nor a 500; the break-glass token does not come
 * here, so it keeps working.
 */
export async function staffDatabase<T>(c: Context<AppEnv>, work: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await withTimeout(withDatabase(databaseSettings(c.env), work), STAFF_LOOKUP_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof AppError) throw error;
    console.error(`staff: Postgres did not answer (${describeDatabaseFailure(error).summary})`);
    throw new AppError(
      "dependency_unavailable",
      "staff accounts (Postgres) cannot be reached; try again shortly (ADMIN_TOKEN still works)",
    );
  }
}
