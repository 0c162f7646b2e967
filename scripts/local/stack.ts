import { redactUrl } from "../../src/redact.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { startNeonWsProxy } from "./neon-ws-proxy.ts";
import type { LocalStackVars } from "./stack-vars.ts";
import { startUpstashGateway } from "./upstash-gateway.ts";

export type { LocalStackVars };

export interface LocalStackOptions {
  /** A real Postgres (or Neon) to use instead of the embedded one. */
  databaseUrl?: string | undefined;
  /** Where the embedded Postgres keeps its data; absent means in memory. */
  embeddedDataDir?: string | undefined;
  /** An Upstash database to use instead of the local gateway. */
  upstash?: { url: string; token: string } | undefined;
  /** The Redis behind the local gateway; when none answers the gateway serves from memory. */
  redisUrl?: string | undefined;
  /** Bearer token the local gateway demands. */
  gatewayToken: string;
  /** Ports for the local parts; 0 picks a free one. */
  ports: { postgres: number; wsProxy: number; gateway: number };
  host?: string;
}

export interface LocalStack {
  vars: LocalStackVars;
  /** One line per part, for the start banner. */
  summary: string[];
  close(): Promise<void>;
}

/**
 * Starts whatever the Worker needs that is not given: Postgres (embedded PGlite), the
 * WebSocket proxy the Neon driver reaches it through, and the Upstash REST gateway.
 * If a part fails to start, the parts already started are stopped again.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? "127.0.0.1";
  const closers: Array<() => Promise<void>> = [];
  const summary: string[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
  };
  try {
    let databaseUrl = options.databaseUrl;
    if (databaseUrl) {
      summary.push(`Postgres     ${redactUrl(databaseUrl)} (DATABASE_URL)`);
    } else {
      const pg = await startEmbeddedPostgres({ port: options.ports.postgres, host, dataDir: options.embeddedDataDir });
      closers.push(pg.close);
      databaseUrl = pg.url;
      summary.push(
        `Postgres     ${pg.url} (embedded PGlite, ${options.embeddedDataDir ? `data in ${options.embeddedDataDir}` : "in memory"})`,
      );
    }

    let neonWsProxy = "";
    if (!isNeonHost(databaseUrl)) {
      const target = new URL(databaseUrl);
      const proxy = await startNeonWsProxy({
        port: options.ports.wsProxy,
        host,
        allowedTargets: [`${target.hostname}:${target.port || "5432"}`],
      });
      closers.push(proxy.close);
      neonWsProxy = proxy.address;
      summary.push(`Neon proxy   ws://${proxy.address}/v2 → ${target.hostname}:${target.port || "5432"}`);
    }

    let upstash = options.upstash;
    if (upstash) {
      summary.push(`Redis        ${upstash.url} (UPSTASH_REDIS_REST_URL)`);
    } else {
      const gateway = await startUpstashGateway({
        port: options.ports.gateway,
        host,
        token: options.gatewayToken,
        redisUrl: options.redisUrl,
      });
      closers.push(gateway.close);
      upstash = { url: gateway.url, token: gateway.token };
      summary.push(
        gateway.backend === "redis"
          ? `Redis        ${gateway.url} (Upstash REST gateway → ${options.redisUrl})`
          : `Redis        ${gateway.url} (Upstash REST gateway → in-process store: no Redis answered${options.redisUrl ? ` at ${options.redisUrl}` : ""}; counters vanish on exit)`,
      );
    }

    return {
      vars: {
        DATABASE_URL: databaseUrl,
        NEON_WS_PROXY: neonWsProxy,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
      },
      summary,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Neon serves its own WebSocket endpoint; every other Postgres needs the local proxy. */
function isNeonHost(databaseUrl: string): boolean {
  return new URL(databaseUrl).hostname.endsWith(".neon.tech");
}
