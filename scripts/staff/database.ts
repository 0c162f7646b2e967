import type { DatabaseSettings } from "../../src/db/client.ts";
import { describeDatabaseFailure } from "../../src/db/errors.ts";
import { CliError } from "../cli/run.ts";

/**
 * Where `npm run staff` finds Postgres: DATABASE_URL (with NEON_WS_PROXY for a Postgres that
 * is not Neon), as `npm run db:migrate` does; without it, the embedded Postgres of a running
 * `npm start` through its Neon proxy, on the ports it uses (LOCAL_PG_PORT, LOCAL_PG_PROXY_PORT),
 * just as `npm run sale` finds the storefront of `npm start` by default.
 */
export function cliDatabaseSettings(env: NodeJS.ProcessEnv): DatabaseSettings & { local: boolean } {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, localWsProxy: env.NEON_WS_PROXY, local: false };
  const pg = env.LOCAL_PG_PORT || "5433";
  const proxy = env.LOCAL_PG_PROXY_PORT || "5434";
  return { url: `postgres://postgres:postgres@127.0.0.1:${pg}/postgres`, localWsProxy: `127.0.0.1:${proxy}`, local: true };
}

/** A failure to reach Postgres as a usage error (exit 2) that says where it looked, never with a password. */
export function unreachable(settings: ReturnType<typeof cliDatabaseSettings>, error: unknown): CliError {
  const where = settings.local
    ? "the local stack's Postgres (is `npm start` running? or set DATABASE_URL)"
    : `DATABASE_URL${settings.localWsProxy ? ` through NEON_WS_PROXY ${settings.localWsProxy}` : " (for a Postgres that is not Neon, set NEON_WS_PROXY)"}`;
  return new CliError(`could not reach ${where}: ${describeDatabaseFailure(error).summary}`, 2);
}
