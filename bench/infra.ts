import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import pg from "pg";
import { freePort } from "../scripts/local/ports.ts";
import { redactUrl } from "../src/redact.ts";
import { sleep } from "./contenders/contender.ts";

/** The Postgres and Redis the benchmark runs on, and what it says about them. */
export interface Infra {
  /** A Postgres connection string; null means: use the embedded PGlite of the local stack. */
  databaseUrl: string | null;
  /** A Redis URL; null means no Redis server (in-process stand-ins, not a benchmark). */
  redisUrl: string | null;
  postgres: string;
  redis: string;
  /** Stops whatever this process started, and only that. */
  close(): Promise<void>;
}

/**
 * A database of this run's own: two benchmarks on one machine once shared `flashsale_bench`,
 * and the second one's `DROP DATABASE … WITH (FORCE)` took the first one's orders away
 * mid-run, which its checks then reported as lost.
 */
const BENCH_DATABASE = `flashsale_bench_${process.pid}`;

/**
 * DATABASE_URL and REDIS_URL when given; otherwise the machine's PostgreSQL cluster
 * (started with pg_ctlcluster if it is stopped, stopped again afterwards) with a fresh
 * `flashsale_bench_<pid>` database (dropped at the end), and a private redis-server on a free port. Where neither is
 * possible, says so: the embedded stand-ins keep the harness working but measure nothing
 * a reader should compare.
 */
export async function provideInfra(log: (line: string) => void): Promise<Infra> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch((error: Error) => log(`cleanup: ${error.message}`));
  };
  try {
    const postgres = await providePostgres(log, closers);
    const redis = await provideRedis(log, closers);
    return { ...postgres, ...redis, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function providePostgres(
  log: (line: string) => void,
  closers: Array<() => Promise<void>>,
): Promise<{ databaseUrl: string | null; postgres: string }> {
  const given = process.env.DATABASE_URL;
  if (given) return { databaseUrl: given, postgres: `DATABASE_URL (${redactUrl(given)})` };

  const clusters = spawnSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" });
  const line = clusters.status === 0 ? clusters.stdout.trim().split("\n").filter(Boolean).sort(byVersion).at(-1) : undefined;
  if (!line) {
    log("! no DATABASE_URL and no PostgreSQL cluster (apt-get install postgresql): using the embedded PGlite. Numbers are not comparable.");
    return { databaseUrl: null, postgres: "embedded PGlite (no PostgreSQL server found): NOT a benchmark of Postgres" };
  }
  const [version, cluster, port, status] = line.trim().split(/\s+/) as [string, string, string, string];
  if (status !== "online") {
    log(`  starting PostgreSQL ${version}/${cluster} (pg_ctlcluster ${version} ${cluster} start)`);
    run("pg_ctlcluster", [version, cluster, "start"]);
    closers.push(async () => {
      log(`  stopping PostgreSQL ${version}/${cluster}, which the benchmark started`);
      run("pg_ctlcluster", [version, cluster, "stop"]);
    });
  }
  const admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  await waitFor(
    async () => {
      const ready = spawnSync("pg_isready", ["-q", "-h", "127.0.0.1", "-p", port]);
      return ready.status === 0;
    },
    30_000,
    `PostgreSQL ${version}/${cluster} did not get ready on port ${port}`,
  );
  if (!(await canConnect(admin))) {
    // A fresh Debian cluster has no password for postgres; TCP logins need one.
    log("  setting the password of the postgres role (TCP logins need one)");
    run("su", ["postgres", "-c", `psql -q -p ${port} -c "ALTER USER postgres PASSWORD 'postgres'"`]);
  }
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await client.end();
  }
  closers.push(async () => {
    const dropper = new pg.Client({ connectionString: admin });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  });
  const started = status !== "online" ? "started by the benchmark" : "already running";
  return {
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${port}/${BENCH_DATABASE}`,
    postgres: `PostgreSQL ${version} cluster ${cluster} on 127.0.0.1:${port} (${started}), fresh database ${BENCH_DATABASE}`,
  };
}

async function provideRedis(
  log: (line: string) => void,
  closers: Array<() => Promise<void>>,
): Promise<{ redisUrl: string | null; redis: string }> {
  const given = process.env.REDIS_URL;
  if (given) return { redisUrl: given, redis: `REDIS_URL (${redactUrl(given)})` };
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0) {
    log("! no REDIS_URL and no redis-server (apt-get install redis-server): in-process stand-ins. Numbers are not comparable.");
    return { redisUrl: null, redis: "in-process stand-ins (no redis-server found): NOT a benchmark of Redis" };
  }
  const port = await freePort();
  // A private server: no persistence, like a cache; the benchmark owns its data and its life.
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  closers.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000)]);
  });
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(
    async () => spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.trim() === "PONG",
    10_000,
    "redis-server did not answer",
  );
  const version = spawnSync("redis-server", ["--version"], { encoding: "utf8" }).stdout.match(/v=(\S+)/)?.[1] ?? "?";
  return { redisUrl: url, redis: `redis-server ${version} on 127.0.0.1:${port} (started by the benchmark, no persistence)` };
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function waitFor(ready: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(message);
    await sleep(250);
  }
}

function byVersion(a: string, b: string): number {
  return Number(a.split(/\s+/)[0]) - Number(b.split(/\s+/)[0]);
}
