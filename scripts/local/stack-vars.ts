/** What the Worker needs to reach the local stack: exactly the connection variables of `Env`. */
export interface LocalStackVars {
  DATABASE_URL: string;
  NEON_WS_PROXY: string;
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
}

/**
 * The staff session secret of a local run (issue 11), when STAFF_SESSION_SECRET is not set:
 * fixed, so a local staff sign-in survives a restart, as the local SESSION_SECRET does for
 * shoppers. With it, `npm start` opens local accounts (make one with `npm run staff -- add`).
 */
export const LOCAL_STAFF_SESSION_SECRET = "local-dev-staff-session-secret-not-for-production";
