/** What the Worker needs to reach the local stack: exactly the connection variables of `Env`. */
export interface LocalStackVars {
  DATABASE_URL: string;
  NEON_WS_PROXY: string;
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
}
