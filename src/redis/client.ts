import { Redis } from "@upstash/redis/cloudflare";

/** Where the Upstash REST endpoint is: Upstash in production, the local gateway in development. */
export interface RedisSettings {
  url: string;
  token: string;
}

/** An @upstash/redis client. Counters are edge-global, so every Worker talks to the same database. */
export function openRedis(settings: RedisSettings): Redis {
  return new Redis({
    url: settings.url,
    token: settings.token,
    enableTelemetry: false,
    // A failing Redis must surface at once (health checks, rate limits fail fast), not after backoff.
    retry: { retries: 0 },
  });
}
