import { accessConfig, type AccessConfig } from "./access.ts";

/**
 * Which ways of signing in to admin are configured (issue 11). Admin is closed (503
 * `admin_closed`) unless at least one is:
 * - ADMIN_TOKEN: the break-glass bearer token, an owner, needing no database;
 * - Cloudflare Access: ACCESS_TEAM_DOMAIN and ACCESS_AUD both set;
 * - local accounts (email and password, a session cookie): STAFF_SESSION_SECRET set. It is a
 *   secret of its own rather than SESSION_SECRET, which every shop has: local sign-in is a
 *   decision to open admin, and rotating one secret should not sign out the other side.
 * API keys are checked whenever admin is open: an owner made them through one of these.
 */
export interface StaffAuthConfig {
  breakGlassToken: string | null;
  access: AccessConfig | null;
  sessionSecret: string | null;
}

/** The variables of `Env` read here; spelled out so Node-side code (tests, scripts) can use it too. */
type AuthEnv = {
  ADMIN_TOKEN?: string | undefined;
  STAFF_SESSION_SECRET?: string | undefined;
  ACCESS_TEAM_DOMAIN?: string | undefined;
  ACCESS_AUD?: string | undefined;
  ACCESS_CERTS_URL?: string | undefined;
};

export function staffAuthConfig(env: AuthEnv): StaffAuthConfig {
  return {
    breakGlassToken: env.ADMIN_TOKEN || null,
    access: accessConfig(env),
    sessionSecret: env.STAFF_SESSION_SECRET || null,
  };
}

export function adminOpen(config: StaffAuthConfig): boolean {
  return config.breakGlassToken !== null || config.access !== null || config.sessionSecret !== null;
}
