/**
 * `npm run bench:abuse` (issue 12): an abusive client beside normal shoppers, with the edge
 * rate limits on and off. One SKU per run; on it, `--shoppers` normal shoppers, each from its
 * own address, go session → checkout → pay (or cancel) at a person's pace (bench/shoppers.ts),
 * while one abusive client, one address with `--abuser-connections` connections, sends
 * checkouts and session creations as fast as wrk goes (bench/wrk/abuse.lua). Run once with the
 * rate limits off and once on (the defaults of src/rate-limit/limits.ts), each on a fresh
 * storefront. Reports what the normal shoppers got (requests, success rate, p50/p99) and what
 * the abuser got (requests, 429s, checkouts that reached the SKU's object, orders), and the
 * books (nothing oversold or lost) after each.
 *
 *   npm run bench:abuse                                  5 s per run, 64 shoppers, 64 abuser connections
 *   npm run bench:abuse -- --seconds 20 --shoppers 128 --abuser-connections 256
 *   npm run bench:abuse -- --baseline                    also the shoppers alone first, limits off and on
 *   npm run bench:abuse -- --ref <commit> --label before
 *   RATE_LIMIT_WRITES_PER_ADDRESS=100/10s npm run bench:abuse   other limits for the run with them on
 *
 * Writes bench/results/abuse.json and abuse.md (abuse-<label>.* with --label).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { LocalStackVars } from "../scripts/local/stack-vars.ts";
import type { WorkerSecrets } from "../scripts/local/worker-bundle.ts";
import {
  DEFAULT_RATE_LIMITS,
  describeLimit,
  RATE_LIMIT_VARS,
  RATE_LIMITS_OFF,
  type RateLimitName,
  type RateLimitVar,
  rateLimitSetting,
} from "../src/rate-limit/limits.ts";
import { sleep, type SkuBooks } from "./contenders/contender.ts";
import { storefrontContender } from "./contenders/storefront.ts";
import { machineInfo, type MachineInfo } from "./machine.ts";
import { buildStorefront, startBenchStack, workerRunnerName } from "./run.ts";
import { writeSessionPool } from "./sessions.ts";
import { runShoppersInThread, type ShopperStats } from "./shoppers.ts";
import { findWrk, runWrkScript } from "./wrk.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** How hard and how long; `npm run bench:abuse` uses DEFAULT_ABUSE_OPTIONS and its flags. */
export interface AbuseOptions {
  /** The normal shoppers' measured window, per run. */
  seconds: number;
  /** Normal shoppers, each its own client address. */
  shoppers: number;
  /** Mean pause between a normal shopper's steps. */
  thinkMs: number;
  /** Every Nth purchase of a normal shopper is cancelled instead of paid. */
  cancelEvery: number;
  /** The abuser's open connections and wrk threads, all from one address. */
  abuserConnections: number;
  abuserThreads: number;
  /** Shoppers (session cookies) the abuser starts with. */
  abuserSessions: number;
  /** Every Nth request of the abuser is a session creation (a new shopper minted). */
  abuserSessionEvery: number;
  /** The abuser at full speed before the shoppers' window opens. */
  rampSeconds: number;
  /** Normal shoppers on a throwaway SKU first, on each fresh storefront: JIT, pools. */
  warmupSeconds: number;
  /** Also two first runs without the abuser, limits off and on: what the shoppers get undisturbed. */
  baseline: boolean;
  /** Each run's SKU: far more than a run can sell, so no shopper is refused `sold_out`. */
  stock: number;
  /** The limits of the runs with them on. */
  rateLimits: Record<RateLimitVar, string>;
}

/** The production defaults (src/rate-limit/limits.ts), by variable. */
export const DEFAULT_RATE_LIMIT_VARS: Record<RateLimitVar, string> = {
  RATE_LIMIT_SESSION_PER_ADDRESS: DEFAULT_RATE_LIMITS.sessionPerAddress,
  RATE_LIMIT_WRITES_PER_SHOPPER: DEFAULT_RATE_LIMITS.writesPerShopper,
  RATE_LIMIT_WRITES_PER_ADDRESS: DEFAULT_RATE_LIMITS.writesPerAddress,
  RATE_LIMIT_EVENTS_PER_SHOPPER: DEFAULT_RATE_LIMITS.eventsPerShopper,
};

export const DEFAULT_ABUSE_OPTIONS: AbuseOptions = {
  seconds: 5,
  shoppers: 64,
  thinkMs: 250,
  cancelEvery: 4,
  abuserConnections: 64,
  abuserThreads: 2,
  abuserSessions: 4,
  abuserSessionEvery: 10,
  rampSeconds: 1,
  warmupSeconds: 2,
  baseline: false,
  // The most a sale may hold (SALE_LIMITS.maxStock).
  stock: 1_000_000,
  rateLimits: DEFAULT_RATE_LIMIT_VARS,
};

/** What the abuser got (bench/wrk/abuse.lua's result, summed up). */
export interface AbuserStats {
  address: string;
  connections: number;
  durationS: number;
  /** Answers received (wrk's count), and per second. */
  requests: number;
  requestsPerS: number;
  sessionsSent: number;
  checkoutsSent: number;
  /** 429 `rate_limited` answers. */
  rateLimited: number;
  /** Checkouts the SKU's object decided: orders made plus its refusals (409 `limit_exceeded`, ...). */
  reachedObject: number;
  /** Units the abuser took (201 checkouts), each a pending order. */
  orders: number;
  /** Sessions answered, i.e. new shoppers minted. */
  sessionsIssued: number;
  statuses: Record<string, number>;
  codes: Record<string, number>;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  latencyMs: { p50: number; p99: number; max: number };
}

export interface AbuseRun {
  /** With the abuser: "off" or "on"; without (--baseline): "quiet-off", "quiet-on". */
  name: "quiet-off" | "quiet-on" | "off" | "on";
  rateLimits: Record<RateLimitVar, string>;
  sku: string;
  shoppers: ShopperStats;
  abuser: AbuserStats | null;
  books: SkuBooks;
}

export interface AbuseResults {
  date: string;
  machine: MachineInfo;
  storefront: string;
  runner: string;
  options: AbuseOptions;
  runs: AbuseRun[];
}

/** What the scenario needs: the built storefront and the stack it runs on. */
export interface AbuseSetup {
  bundlePath: string;
  stack: LocalStackVars;
  secrets: WorkerSecrets;
  /** Postgres, for the books after each run. */
  db: pg.Pool;
  /** What the report says the storefront is (work tree, commit). */
  storefront: string;
}

/** bench/wrk/abuse.lua's `BENCH_RESULT`. */
interface AbuseScriptResult {
  durationUs: number;
  requests: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { p50: number; p99: number; max: number };
  statuses: Record<string, number>;
  codes: Record<string, number>;
  sessionsSent: number;
  checkoutsSent: number;
  sessionsIssued: number;
  orders: number;
  objectRefusals: number;
}

/**
 * The runs, one after another, each on a fresh storefront (the rate limits are the Worker's
 * variables): the two without the abuser if asked for (`baseline`), then the limits off, then
 * on. Every run stops what it started, also when it fails; it also pushes its stop onto
 * `cleanups`, for a caller that must stop everything at once (on SIGINT).
 */
export async function runAbuse(
  setup: AbuseSetup,
  options: AbuseOptions,
  log: (line: string) => void = console.log,
  cleanups: Array<() => Promise<void> | void> = [],
): Promise<AbuseResults> {
  const runTag = Math.random().toString(36).slice(2, 8);
  const plan: Array<Pick<AbuseRun, "name" | "rateLimits">> = [
    ...(options.baseline
      ? [
          { name: "quiet-off" as const, rateLimits: RATE_LIMITS_OFF },
          { name: "quiet-on" as const, rateLimits: options.rateLimits },
        ]
      : []),
    { name: "off", rateLimits: RATE_LIMITS_OFF },
    { name: "on", rateLimits: options.rateLimits },
  ];
  const results: AbuseResults = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    storefront: setup.storefront,
    runner: workerRunnerName(),
    options,
    runs: [],
  };
  const workDir = mkdtempSync(join(tmpdir(), "flashsale-abuse-"));
  try {
    for (const [index, step] of plan.entries()) {
      const run = await runOne(setup, options, { ...step, index, runTag, workDir }, cleanups);
      results.runs.push(run);
      log(summaryLine(run));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return results;
}

async function runOne(
  setup: AbuseSetup,
  options: AbuseOptions,
  step: Pick<AbuseRun, "name" | "rateLimits"> & { index: number; runTag: string; workDir: string },
  cleanups: Array<() => Promise<void> | void>,
): Promise<AbuseRun> {
  const contender = storefrontContender({
    bundlePath: setup.bundlePath,
    vars: setup.stack,
    secrets: setup.secrets,
    db: setup.db,
    runner: workerRunnerName(),
    rateLimits: step.rateLimits,
  });
  // Stops the abuser's wrk, the shoppers' thread and the storefront, once, whoever asks first.
  const stop = new AbortController();
  let stopped: Promise<void> | undefined;
  const stopRun = () => {
    stop.abort();
    stopped ??= contender.stop();
    return stopped;
  };
  cleanups.push(stopRun);
  try {
    const url = await contender.start();
    const sku = `a${step.runTag}-${step.name}`;
    const runId = `${sku}-${step.index}`;
    // Addresses of their own per run (10.x for shoppers, TEST-NET-3 for the abuser), so no run
    // meets counts another left in Redis.
    const shoppers = (prefix: string, skuName: string, seconds: number) =>
      runShoppersInThread(
        {
          url,
          sku: skuName,
          shoppers: options.shoppers,
          durationMs: seconds * 1000,
          thinkMs: options.thinkMs,
          cancelEvery: options.cancelEvery,
          addressPrefix: prefix,
          runId: `${runId}-${prefix}`,
          timeoutMs: 10_000,
        },
        stop.signal,
      );

    if (options.warmupSeconds > 0) {
      const warm = `${sku}-warm`;
      await contender.openSku(warm, options.stock);
      await shoppers(`10.${100 + step.index}`, warm, options.warmupSeconds);
    }
    await contender.openSku(sku, options.stock);

    let abuser: Promise<AbuserStats> | null = null;
    if (step.name === "off" || step.name === "on") {
      const address = `203.0.113.${step.index + 1}`;
      const cookieFile = join(step.workDir, `abuser-${step.name}.txt`);
      writeSessionPool(cookieFile, options.abuserSessions, setup.secrets.SESSION_SECRET);
      // wrk counts whole seconds; it runs through the ramp, the window and a second after it,
      // so the shoppers' last requests still meet it.
      const durationS = Math.ceil(options.rampSeconds + options.seconds) + 1;
      abuser = runWrkScript<AbuseScriptResult>(
        {
          script: "abuse.lua",
          url,
          connections: options.abuserConnections,
          threads: options.abuserThreads,
          durationS,
          args: [cookieFile, sku, runId, address, String(options.abuserSessionEvery), String(Math.max(16, options.abuserSessions))],
        },
        stop.signal,
      ).then((raw) => abuserStats(raw, address, options.abuserConnections));
      abuser.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      await sleep(options.rampSeconds * 1000);
    }
    const shopperStats = await shoppers(`10.${step.index + 1}`, sku, options.seconds);
    const abuserStatsResult = abuser ? await abuser : null;
    const books = await contender.settle(sku, options.stock);
    return { name: step.name, rateLimits: step.rateLimits, sku, shoppers: shopperStats, abuser: abuserStatsResult, books };
  } finally {
    await stopRun();
  }
}

function abuserStats(raw: AbuseScriptResult, address: string, connections: number): AbuserStats {
  const durationS = raw.durationUs / 1e6;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const { connect, read, write, timeout } = raw.errors;
  return {
    address,
    connections,
    durationS: Math.round(durationS * 100) / 100,
    requests: raw.requests,
    requestsPerS: Math.round(raw.requests / durationS),
    sessionsSent: raw.sessionsSent,
    checkoutsSent: raw.checkoutsSent,
    rateLimited: raw.statuses["429"] ?? 0,
    reachedObject: raw.orders + raw.objectRefusals,
    orders: raw.orders,
    sessionsIssued: raw.sessionsIssued,
    statuses: raw.statuses,
    codes: raw.codes,
    socketErrors: { connect, read, write, timeout },
    latencyMs: { p50: ms(raw.latencyUs.p50), p99: ms(raw.latencyUs.p99), max: ms(raw.latencyUs.max) },
  };
}

const LABELS: Record<AbuseRun["name"], string> = {
  "quiet-off": "off, no abuser",
  "quiet-on": "on, no abuser",
  off: "off",
  on: "on",
};

const fmt = (n: number) => n.toLocaleString("en-US");
const percent = (rate: number) => `${Math.round(rate * 1000) / 10} %`;

function summaryLine(run: AbuseRun): string {
  const s = run.shoppers;
  const a = run.abuser;
  return (
    `  limits ${LABELS[run.name]}: shoppers ${fmt(s.requests)} requests, ${percent(s.successRate)} served, p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms` +
    (a
      ? `; abuser ${fmt(a.requests)} requests (${fmt(a.requestsPerS)}/s), ${fmt(a.rateLimited)} got 429, ${fmt(a.reachedObject)} reached the object, ${fmt(a.orders)} orders`
      : "") +
    `; oversold ${run.books.oversold}, in Postgres ${run.books.ordersInPostgres}/${run.books.taken}`
  );
}

/** The markdown report: one row per run. */
export function renderAbuseMarkdown(results: AbuseResults): string {
  const o = results.options;
  const limits = (Object.keys(RATE_LIMIT_VARS) as RateLimitName[])
    .map((name) => `\`${RATE_LIMIT_VARS[name]}\` ${describeLimit(rateLimitSetting.parse(o.rateLimits[RATE_LIMIT_VARS[name]]))}`)
    .join(", ");
  const rows = results.runs.map((run) => {
    const s = run.shoppers;
    const a = run.abuser;
    const failures = Object.entries(s.statuses)
      .filter(([status]) => !["200", "201", "409"].includes(status))
      .map(([status, n]) => `${fmt(n)}× ${status}`)
      .join(", ");
    const abuser = a
      ? `${fmt(a.requests)} | ${fmt(a.requestsPerS)} | ${fmt(a.rateLimited)} | ${fmt(a.reachedObject)} | ${fmt(a.orders)}`
      : "– | – | – | – | –";
    return (
      `| ${LABELS[run.name]} | ${fmt(s.requests)} | ${percent(s.successRate)} | ${failures || "none"} | ${fmt(s.soldOut)} | ` +
      `${fmt(s.paid)} | ${s.latencyMs.p50} | ${s.latencyMs.p99} | ${s.steps.checkout.latencyMs.p99} | ${abuser} | ${run.books.oversold} |`
    );
  });
  return [
    `# Abusive client beside normal shoppers (${results.date})`,
    "",
    `Storefront: ${results.storefront}, on ${results.runner}. ${results.machine.cores} cores, shared by everything below.`,
    "",
    `For ${o.seconds} s per run, ${o.shoppers} normal shoppers, each from its own address, go session → checkout → pay ` +
      `(every ${o.cancelEvery}th purchase cancelled instead), with ${o.thinkMs} ms of thought (on average) between steps and a new ` +
      `session per purchase. Beside them one abusive client, one address, ${o.abuserConnections} connections at wrk's full speed ` +
      `(from ${o.rampSeconds} s before the shoppers' window to 1 s after it): checkouts from its ${o.abuserSessions} shoppers and ` +
      `those it mints, every ${o.abuserSessionEvery}th request a new session. Stock ${fmt(o.stock)}, so no shopper is refused as sold out. ` +
      `Rate limits on: ${limits}.`,
    "",
    "Served: the answers a shopper should get (200, 201, and 409 such as `sold_out` or `limit_exceeded`); failed: everything else " +
      "(429, other errors, no answer within 10 s). Latency over all of the shoppers' requests; checkout p99 over their checkouts alone. " +
      "The abuser's checkouts that reached the SKU's object are those it decided (201 and 409).",
    "",
    "| rate limits | shopper requests | served | failed | sold_out | paid | p50 ms | p99 ms | checkout p99 ms | abuser requests | abuser req/s | abuser 429 | abuser reached the object | abuser orders | oversold |",
    "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
  ].join("\n");
}

/**
 * The limits of the run with them on: the production defaults, or RATE_LIMIT_* from the
 * environment (the Worker's own variables), each checked as the Worker would parse it.
 */
function rateLimitsFromEnvironment(): Record<RateLimitVar, string> {
  const limits = { ...DEFAULT_RATE_LIMIT_VARS };
  for (const variable of Object.values(RATE_LIMIT_VARS)) {
    const value = process.env[variable]?.trim();
    if (!value) continue;
    const parsed = rateLimitSetting.safeParse(value);
    if (!parsed.success || parsed.data === null)
      throw new Error(`${variable}=${value}: give a limit such as 20/10s (not off) or leave it unset`);
    limits[variable] = value;
  }
  return limits;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string" },
      shoppers: { type: "string" },
      "think-ms": { type: "string" },
      "abuser-connections": { type: "string" },
      baseline: { type: "boolean" },
      ref: { type: "string" },
      label: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "npm run bench:abuse [-- --seconds 5] [--shoppers 64] [--think-ms 250] [--abuser-connections 64] [--baseline] [--ref <git ref>] [--label <name>] [--out bench/results]",
    );
    return;
  }
  const number = (value: string | undefined, fallback: number, name: string) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${value}`);
    return n;
  };
  const options: AbuseOptions = {
    ...DEFAULT_ABUSE_OPTIONS,
    seconds: number(values.seconds, DEFAULT_ABUSE_OPTIONS.seconds, "seconds"),
    shoppers: Math.round(number(values.shoppers, DEFAULT_ABUSE_OPTIONS.shoppers, "shoppers")),
    thinkMs: number(values["think-ms"], DEFAULT_ABUSE_OPTIONS.thinkMs, "think-ms"),
    abuserConnections: Math.round(number(values["abuser-connections"], DEFAULT_ABUSE_OPTIONS.abuserConnections, "abuser-connections")),
    baseline: values.baseline ?? false,
    rateLimits: rateLimitsFromEnvironment(),
  };
  const out = values.out ?? join(ROOT, "bench", "results");
  const name = values.label ? `abuse-${values.label}` : "abuse";
  findWrk(); // fails with "apt-get install wrk" before anything starts

  const cleanups: Array<() => Promise<void> | void> = [];
  // Once, whoever asks first: on a signal the run in progress fails too (its load is stopped),
  // and its `finally` must wait for the same cleanup, not start a second one or exit before it ends.
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const step of cleanups.reverse())
        await Promise.resolve(step()).catch((error: Error) => console.error(`cleanup: ${error.message}`));
    })());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: stopping what the benchmark started`);
      // Miniflare's own signal hook (it kills workerd) calls process.exit right after this
      // listener, which would leave Postgres and redis-server running: hold every exit until
      // everything the benchmark started has stopped.
      const exit = process.exit.bind(process);
      process.exit = ((code?: number) => void cleanup().finally(() => exit(code))) as typeof process.exit;
      void cleanup().finally(() => exit(130));
    });
  }

  try {
    console.log(
      `Abusive client beside normal shoppers (issue 12): ${options.shoppers} shoppers for ${options.seconds} s, ` +
        `one abuser with ${options.abuserConnections} connections, rate limits off and on`,
    );
    const { stack } = await startBenchStack(cleanups);
    console.log("  building the storefront bundle (wrangler deploy --dry-run)");
    const storefront = await buildStorefront(values.ref);
    cleanups.push(storefront.cleanup);
    const db = new pg.Pool({ connectionString: stack.vars.DATABASE_URL, max: 2 });
    db.on("error", () => undefined);
    cleanups.push(() => db.end());
    const secrets: WorkerSecrets = {
      SESSION_SECRET: `bench-session-${crypto.randomUUID()}`,
      ADMIN_TOKEN: `bench-admin-${crypto.randomUUID()}`,
    };
    const results = await runAbuse(
      { bundlePath: storefront.bundlePath, stack: stack.vars, secrets, db, storefront: storefront.describe },
      options,
      console.log,
      cleanups,
    );
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(out, `${name}.md`), renderAbuseMarkdown(results));
    console.log(`\nWrote ${join(out, `${name}.json`)} and .md`);
  } finally {
    await cleanup();
  }
}

/** Set by SIGINT/SIGTERM: the failure of the run then stopped is no news, and the exit is 130. */
let interrupted = false;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      if (interrupted) process.exit(130);
      console.error(`\nabuse benchmark failed: ${error.message}`);
      process.exit(1);
    },
  );
}
