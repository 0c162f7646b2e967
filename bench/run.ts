/**
 * `npm run bench` (issue 7): hot-SKU checkout throughput of the storefront, side by side
 * with the runtime's ceiling and two baselines a user might build instead, in one run on
 * one machine, with the correctness checks. Writes bench/results/latest.json, latest.md
 * and chart.svg. Not part of `npm test`; test/integration/bench-smoke.test.ts runs a tiny
 * version of the same harness.
 *
 *   npm run bench                       all contenders at 64, 256 and 1024 connections
 *   npm run bench -- --levels 64,256 --seconds 5 --contenders storefront,redis-decr
 *   npm run bench -- --ref HEAD         the storefront as committed, not the work tree
 *   npm run bench -- --out /tmp/bench   results elsewhere
 *   npm run bench -- --render           redraw latest.md and chart.svg from latest.json
 *
 * Postgres and Redis: DATABASE_URL / REDIS_URL when set; otherwise the machine's
 * PostgreSQL cluster and a private redis-server (bench/infra.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startLocalStack, type LocalStack } from "../scripts/local/stack.ts";
import { buildProductionBundle, type WorkerSecrets } from "../scripts/local/worker-bundle.ts";
import { migrateDatabase } from "../scripts/migrate.ts";
import { createBaselineSchema } from "./contenders/baseline-schema.ts";
import type { Contender, ContenderId } from "./contenders/contender.ts";
import { fixedJsonContender } from "./contenders/fixed-json.ts";
import { nodeBaselineContender, projectNode } from "./contenders/node-baselines.ts";
import { objectsDirectContender } from "./contenders/objects-direct.ts";
import { storefrontContender } from "./contenders/storefront.ts";
import { DEFAULT_OPTIONS, runBenchmark, type BenchOptions } from "./harness.ts";
import { provideInfra, type Infra } from "./infra.ts";
import { machineLoad } from "./cpu.ts";
import { machineInfo } from "./machine.ts";
import { evaluateTargets, renderChart, renderMarkdown, type BenchResults } from "./report.ts";
import { findWrk } from "./wrk.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const ALL_CONTENDERS: ContenderId[] = [
  "fixed-json",
  "storefront",
  "storefront-k2",
  "storefront-k4",
  "storefront-k8",
  "storefront-apart",
  "objects-direct",
  "redis-decr",
  "postgres-only",
];

/** The storefront variants (issue 12): shards per sale, or the SKU objects in a Worker of their own. */
const STOREFRONT_VARIANTS: Partial<Record<ContenderId, { shards?: number; objectsApart?: boolean }>> = {
  storefront: {},
  "storefront-k2": { shards: 2 },
  "storefront-k4": { shards: 4 },
  "storefront-k8": { shards: 8 },
  "storefront-apart": { objectsApart: true },
};

/** Where the benchmark's Postgres and Redis are, as the contenders need them. */
export interface BenchSetup {
  /** Postgres for the baselines and the checks (the storefront reaches it through stackVars). */
  databaseUrl: string;
  /** Redis for the seed's approach; null: an in-process stand-in (smoke tests only). */
  redisUrl: string | null;
  stack: LocalStack["vars"];
  bundlePath: string;
  secrets: WorkerSecrets;
  /**
   * The baselines' pg pool size: 20, a sensible production size. Only the embedded PGlite
   * needs 1: it is one session, so its wire server lets one connection's transaction run
   * at a time, and a pool of 20 would measure connections queueing for that session.
   */
  baselinePoolMax?: number;
}

export function workerRunnerName(): string {
  const machine = machineInfo();
  return `workerd ${machine.workerd} through Miniflare ${machine.miniflare}'s API (new Miniflare({workers})), each Worker on its own socket (dev.unsafeDirectSockets), not behind Miniflare's entry Worker`;
}

export function nodeRunnerName(poolMax = 20): string {
  return `one Node ${process.version} process per service (node:http, ioredis, pg pool of ${poolMax})`;
}

/** The contenders, in the order they run; `db` is the pool the checks read Postgres with. */
export function makeContenders(ids: ContenderId[], setup: BenchSetup, db: pg.Pool): Contender[] {
  const workerRunner = workerRunnerName();
  const nodeRunner = nodeRunnerName(setup.baselinePoolMax);
  return ids.map((id) => {
    const variant = STOREFRONT_VARIANTS[id];
    if (variant) {
      return storefrontContender({
        bundlePath: setup.bundlePath,
        vars: setup.stack,
        secrets: setup.secrets,
        db,
        runner: workerRunner,
        ...variant,
      });
    }
    switch (id) {
      case "fixed-json":
        return fixedJsonContender(workerRunner);
      case "objects-direct":
        return objectsDirectContender({
          bundlePath: setup.bundlePath,
          vars: setup.stack,
          secrets: setup.secrets,
          db,
          runner: workerRunner,
        });
      case "redis-decr":
      case "postgres-only":
        return nodeBaselineContender(id, {
          databaseUrl: setup.databaseUrl,
          redisUrl: setup.redisUrl,
          sessionSecret: setup.secrets.SESSION_SECRET,
          db,
          runner: nodeRunner,
          poolMax: setup.baselinePoolMax,
        });
      default:
        throw new Error(`unknown contender ${id}`);
    }
  });
}

/** Runs the harness and assembles everything the report needs. */
export async function benchmark(
  setup: BenchSetup,
  options: BenchOptions,
  ids: ContenderId[],
  describe: { postgres: string; redis: string; storefront: string; backgroundCores?: number | null; backgroundSeconds?: number },
  log: (line: string) => void = console.log,
): Promise<BenchResults> {
  const db = new pg.Pool({ connectionString: setup.databaseUrl, max: 4 });
  db.on("error", () => undefined);
  try {
    await createBaselineSchema(db);
    const machine = machineInfo();
    const date = new Date().toISOString();
    const run = await runBenchmark(makeContenders(ids, setup, db), options, setup.secrets.SESSION_SECRET, log);
    return {
      date,
      machine,
      setup: {
        backgroundCores: null,
        backgroundSeconds: 0,
        ...describe,
        workerRunner: workerRunnerName(),
        nodeRunner: nodeRunnerName(setup.baselinePoolMax),
      },
      run,
      targets: evaluateTargets(run),
    };
  } finally {
    await db.end();
  }
}

/** Writes latest.json, latest.md and chart.svg into `dir`. */
export async function writeResults(results: BenchResults, dir: string): Promise<{ json: string; markdown: string; chart: string }> {
  mkdirSync(dir, { recursive: true });
  const paths = { json: join(dir, "latest.json"), markdown: join(dir, "latest.md"), chart: join(dir, "chart.svg") };
  writeFileSync(paths.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(paths.markdown, renderMarkdown(results));
  writeFileSync(paths.chart, await renderChart(results));
  return paths;
}

/**
 * The benchmark's Postgres and Redis (bench/infra.ts), the local stack in front of them and
 * the migrations applied; each is stopped by the cleanup it pushes.
 */
export async function startBenchStack(cleanups: Array<() => Promise<void> | void>): Promise<{ infra: Infra; stack: LocalStack }> {
  const infra = await provideInfra(console.log);
  cleanups.push(() => infra.close());
  console.log(`  Postgres: ${infra.postgres}\n  Redis:    ${infra.redis}`);
  const stack = await startLocalStack({
    databaseUrl: infra.databaseUrl ?? undefined,
    redisUrl: infra.redisUrl ?? undefined,
    gatewayToken: `bench-${crypto.randomUUID()}`,
    ports: { postgres: 0, wsProxy: 0, gateway: 0 },
  });
  cleanups.push(() => stack.close());
  await migrateDatabase({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  return { infra, stack };
}

/** The storefront bundle of the work tree, or of a commit (`--ref`) checked out aside. */
export async function buildStorefront(ref: string | undefined): Promise<{ bundlePath: string; describe: string; cleanup: () => void }> {
  const machine = machineInfo();
  if (!ref) {
    return {
      bundlePath: await buildProductionBundle(),
      describe: `work tree at ${machine.git.commit}${machine.git.dirtyFiles ? ` with ${machine.git.dirtyFiles} uncommitted files` : ""}, \`wrangler deploy --dry-run\` bundle`,
      cleanup: () => undefined,
    };
  }
  const commit = execFileSync("git", ["rev-parse", "--short", ref], { cwd: ROOT, encoding: "utf8" }).trim();
  const tree = mkdtempSync(join(tmpdir(), "flashsale-bench-ref-"));
  execFileSync("sh", ["-c", `git archive ${commit} | tar -x -C "${tree}"`], { cwd: ROOT });
  symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
  return {
    bundlePath: await buildProductionBundle(tree),
    describe: `commit ${commit} (--ref ${ref}), \`wrangler deploy --dry-run\` bundle`,
    cleanup: () => rmSync(tree, { recursive: true, force: true }),
  };
}

const BACKGROUND_SECONDS = 3;
/** Busier than this before the run, and the numbers would measure someone else's work too. */
const QUIET_CORES = 0.3;

/**
 * Measures what the machine is busy with before anything of the benchmark runs; waits (up
 * to `maxWaitS`) for it to quieten, and returns the last measurement for the report.
 */
async function waitForQuietMachine(maxWaitS: number): Promise<number> {
  const deadline = Date.now() + maxWaitS * 1000;
  let busy = await machineLoad(BACKGROUND_SECONDS);
  while (busy > QUIET_CORES && Date.now() < deadline) {
    console.log(`  the machine is busy with other work (${busy} cores): waiting for it to quieten (--max-wait ${maxWaitS})`);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    busy = await machineLoad(BACKGROUND_SECONDS);
  }
  console.log(`  background load: ${busy} cores${busy > QUIET_CORES ? " (still busy: expect lower, noisier numbers)" : ""}`);
  return busy;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      levels: { type: "string" },
      seconds: { type: "string" },
      contenders: { type: "string" },
      ref: { type: "string" },
      out: { type: "string" },
      "max-wait": { type: "string" },
      render: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "npm run bench [-- --levels 64,256,1024] [--seconds 8] [--contenders fixed-json,storefront,storefront-k2,storefront-k4,storefront-k8,storefront-apart,objects-direct,redis-decr,postgres-only] [--ref <git ref>] [--out bench/results] [--max-wait 180] [--render]",
    );
    return;
  }
  const out = values.out ?? join(ROOT, "bench", "results");
  if (values.render) {
    // Only redraw latest.md and chart.svg from latest.json (after a change to the report).
    const stored = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as BenchResults;
    // The targets are judged again: a target added to the report applies to the stored run too.
    const results = { ...stored, targets: evaluateTargets(stored.run) };
    console.log(`Rewrote ${Object.values(await writeResults(results, out)).join(", ")}`);
    return;
  }
  findWrk(); // fails with "apt-get install wrk" before anything starts
  const options: BenchOptions = {
    ...DEFAULT_OPTIONS,
    ...(values.levels ? { levels: values.levels.split(",").map(Number) } : {}),
    ...(values.seconds ? { throughputSeconds: Number(values.seconds) } : {}),
  };
  const ids = values.contenders ? (values.contenders.split(",") as ContenderId[]) : ALL_CONTENDERS;
  for (const id of ids) if (!ALL_CONTENDERS.includes(id)) throw new Error(`unknown contender ${id}; one of ${ALL_CONTENDERS.join(", ")}`);

  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse())
      await Promise.resolve(step()).catch((error: Error) => console.error(`cleanup: ${error.message}`));
    cleanups.length = 0;
  };
  process.once("SIGINT", () => {
    console.error("\ninterrupted: stopping what the benchmark started");
    void cleanup().then(() => process.exit(130));
  });

  try {
    console.log("Hot-SKU checkout benchmark (issue 7)");
    const background = await waitForQuietMachine(Number(values["max-wait"] ?? 180));
    const { infra, stack } = await startBenchStack(cleanups);
    console.log("  building the storefront bundle (wrangler deploy --dry-run)");
    const storefront = await buildStorefront(values.ref);
    cleanups.push(storefront.cleanup);
    const secrets: WorkerSecrets = {
      SESSION_SECRET: `bench-session-${crypto.randomUUID()}`,
      ADMIN_TOKEN: `bench-admin-${crypto.randomUUID()}`,
    };
    const setup: BenchSetup = {
      databaseUrl: stack.vars.DATABASE_URL,
      redisUrl: infra.redisUrl,
      stack: stack.vars,
      bundlePath: storefront.bundlePath,
      secrets,
      baselinePoolMax: infra.databaseUrl ? 20 : 1,
    };
    console.log(`  node for the baselines: ${projectNode()}`);
    const results = await benchmark(setup, options, ids, {
      postgres: infra.postgres,
      redis: infra.redis,
      storefront: storefront.describe,
      backgroundCores: background,
      backgroundSeconds: BACKGROUND_SECONDS,
    });
    const paths = await writeResults(results, out);
    console.log("\nTargets:");
    for (const target of results.targets)
      console.log(`  ${target.met === null ? "–" : target.met ? "met   " : "MISSED"}  ${target.name}: ${target.detail}`);
    console.log(`\nWrote ${paths.json}, ${paths.markdown}, ${paths.chart}`);
  } finally {
    await cleanup();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`\nbenchmark failed: ${error.message}`);
      process.exit(1);
    },
  );
}
