import type { DatabaseSettings } from "./db/client.ts";
import type { RedisSettings } from "./redis/client.ts";
import { AppError } from "./errors.ts";

/** The Worker's configuration as the domain needs it; bindings and secrets are typed in `Env`. */
type ConfigEnv = Pick<Env, "DATABASE_URL" | "NEON_WS_PROXY" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">;

/** Postgres settings, or a clear error naming the missing secret. */
export function databaseSettings(env: Pick<ConfigEnv, "DATABASE_URL" | "NEON_WS_PROXY">): DatabaseSettings {
  if (!env.DATABASE_URL) throw new AppError("dependency_unavailable", "DATABASE_URL is not configured");
  return { url: env.DATABASE_URL, localWsProxy: env.NEON_WS_PROXY };
}

/** Upstash settings, or a clear error naming the missing secret. */
export function redisSettings(env: ConfigEnv): RedisSettings {
  if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) {
    throw new AppError("dependency_unavailable", "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are not configured");
  }
  return { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN };
}
