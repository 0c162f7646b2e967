/** The events consumer's bindings (workers/events/wrangler.toml; secrets by `wrangler secret put`). */
export interface EventsEnv {
  DATABASE_URL: string;
  NEON_WS_PROXY: string;
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
}
