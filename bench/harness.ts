import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Contender, ContenderId, SkuBooks } from "./contenders/contender.ts";
import { kernelThreads, machineLoad, processesNamed, startCpuSample, type CpuSplit } from "./cpu.ts";
import type { ProfileSummary } from "./profile.ts";
import { writeSessionPool } from "./sessions.ts";
import { runWrk, type WrkResult } from "./wrk.ts";

/** How hard and how long to push; `npm run bench` uses DEFAULT_OPTIONS. */
export interface BenchOptions {
  /** Open connections per level (wrk -c). */
  levels: number[];
  /** Timed window of each throughput run: stock large enough never to sell out. */
  throughputSeconds: number;
  /** Timed window of each sold-out-path run, on a SKU with nothing left. */
  soldOutSeconds: number;
  /** Load on a throwaway SKU before a contender's first level: JIT, pools, caches. */
  warmupSeconds: number;
  /** Sell-out runs get about this many seconds of the level's measured throughput as stock. */
  sellOutTargetSeconds: number;
  /** Bounds of that stock. */
  sellOutStock: { min: number; max: number };
  /** Stock of each throughput run's SKU. */
  throughputStock: number;
  /** Distinct signed-in shoppers (session cookies) the load cycles through. */
  sessionPool: number;
  /** wrk threads. */
  threads: number;
  /** In sell-out runs every Nth request re-sends the connection's previous one (a client retry). */
  retryEvery: number;
  /** Also time single routes of the storefront (session, snapshot) at the first level. */
  routeBreakdown: boolean;
  /** Seconds per route of the breakdown. */
  routeSeconds: number;
  /** Seconds of checkout load at the first level under a CPU profiler (storefront; 0: none). */
  profileSeconds: number;
  /**
   * A throughput run during which processes outside the benchmark kept more than this many
   * cores busy is repeated on a fresh SKU once the machine is quiet (up to `repeats` times).
   */
  disturbedCores: number;
  repeats: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  levels: [64, 256, 1024],
  throughputSeconds: 8,
  soldOutSeconds: 5,
  warmupSeconds: 3,
  sellOutTargetSeconds: 2,
  sellOutStock: { min: 500, max: 40_000 },
  // The most a sale may hold (SALE_LIMITS.maxStock): far more than a run can sell.
  throughputStock: 1_000_000,
  sessionPool: 300_000,
  threads: 2,
  retryEvery: 10,
  routeBreakdown: true,
  routeSeconds: 4,
  profileSeconds: 5,
  disturbedCores: 0.25,
  repeats: 2,
};

/** One wrk run, as measured from the client. */
export interface RunMeasure {
  sku: string;
  connections: number;
  durationS: number;
  requests: number;
  requestsPerS: number;
  /** 201 answers that were not replays: checkouts the client saw accepted. */
  accepted: number;
  acceptedPerS: number;
  replayed: number;
  retries: number;
  latencyMs: { mean: number; p50: number; p90: number; p95: number; p99: number; max: number };
  statuses: Record<string, number>;
  codes: Record<string, number>;
  /** Socket-level failures seen by wrk. */
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  /** Answers other than 201 and 409 (5xx, 4xx), plus socket errors: should be 0. */
  errors: number;
  cpu: CpuSplit;
  /** Throughput runs: how many times it ran (repeated when outside load disturbed it). */
  attempts?: number;
  /** Still disturbed by outside load (cpu.other above `disturbedCores`) on its last attempt. */
  disturbed?: boolean;
}

/** The correctness checks of a run, from the contender's books once it is idle. */
export interface Checks extends SkuBooks {
  /** Checkouts the client saw accepted (201, not replayed), in this SKU's runs so far. */
  acknowledged: number;
  /** Units taken whose answer the client never got (in flight when wrk stopped): 0..connections. */
  unacknowledged: number;
  /** Orders taken or acknowledged that are not in Postgres. */
  lost: number;
  /** Sell-out runs: nothing left and units in Postgres = stock. */
  soldOut: boolean | null;
  ok: boolean;
  problems: string[];
}

export interface LevelResult {
  contender: ContenderId;
  connections: number;
  throughput: RunMeasure & { checks: Checks | null };
  sellOut: (RunMeasure & { checks: Checks }) | null;
  soldOutPath: (RunMeasure & { checks: Checks }) | null;
}

export interface RouteResult {
  contender: ContenderId;
  route: string;
  what: string;
  measure: RunMeasure;
}

export interface BenchRun {
  runTag: string;
  options: BenchOptions;
  contenders: Array<{ id: ContenderId; label: string; runner: string }>;
  levels: LevelResult[];
  routes: RouteResult[];
  /** Where the storefront's isolate spends its time during checkouts (profileSeconds > 0). */
  profile: (ProfileSummary & { connections: number; checkoutsPerS: number }) | null;
}

const SHORT: Record<ContenderId, string> = {
  "fixed-json": "fj",
  storefront: "sf",
  "storefront-k2": "k2",
  "storefront-k4": "k4",
  "storefront-k8": "k8",
  "storefront-apart": "sa",
  "objects-direct": "od",
  "redis-decr": "rd",
  "postgres-only": "pg",
};

/**
 * Drives every contender through every level, one after another:
 * 1. throughput: a fresh SKU whose stock cannot run out, `throughputSeconds` of load;
 *    checkouts/s and latency come from here;
 * 2. sell-out: a fresh SKU with ~`sellOutTargetSeconds` of that throughput as stock,
 *    load until each wrk thread has seen sold_out answers, with client retries mixed in;
 *    units sold must equal stock;
 * 3. sold-out path: `soldOutSeconds` more load on that empty SKU: requests/s of refusals,
 *    and nothing more may be sold.
 * After each run the contender settles (nothing in flight, outbox drained) and its books
 * are checked against Postgres.
 */
export async function runBenchmark(
  contenders: Contender[],
  options: BenchOptions,
  sessionSecret: string,
  log: (line: string) => void = console.log,
): Promise<BenchRun> {
  const runTag = BigInt(`0x${randomBytes(4).toString("hex")}`)
    .toString(36)
    .slice(-6);
  const workDir = mkdtempSync(join(tmpdir(), "flashsale-bench-"));
  const cookieFile = join(workDir, "sessions.txt");
  writeSessionPool(cookieFile, options.sessionPool, sessionSecret);
  const results: BenchRun = {
    runTag,
    options,
    contenders: contenders.map(({ id, label, runner }) => ({ id, label, runner })),
    levels: [],
    routes: [],
    profile: null,
  };
  try {
    for (const contender of contenders) {
      log(`\n${contender.label} — ${contender.runner}`);
      let url = await contender.start();
      try {
        const sku = (suffix: string) => `b${runTag}-${SHORT[contender.id]}-${suffix}`;
        const measure = async (
          skuName: string,
          connections: number,
          durationS: number,
          extra: Partial<Parameters<typeof runWrk>[0]> = {},
        ) => {
          const sample = startCpuSample(
            {
              [contender.id]: contender.pids,
              postgres: () => processesNamed("postgres"),
              redis: () => processesNamed("redis-server"),
              harness: () => [process.pid],
              kernel: kernelThreads,
            },
            "wrk",
          );
          const raw = await runWrk({
            url,
            connections,
            threads: Math.min(options.threads, connections),
            durationS,
            cookieFile,
            sku: skuName,
            runId: `${skuName}-${randomBytes(3).toString("hex")}`,
            ...extra,
          });
          return toMeasure(raw, skuName, connections, sample());
        };

        if (options.warmupSeconds > 0) {
          const warm = sku("warm");
          await contender.openSku(warm, options.throughputStock);
          const m = await measure(warm, options.levels[0]!, options.warmupSeconds);
          log(`  warm-up ${options.warmupSeconds}s: ${fmt(m.requestsPerS)} req/s`);
          await contender.settle(warm, options.throughputStock);
        }

        for (const connections of options.levels) {
          let tSku = sku(`${connections}-t`);
          await contender.openSku(tSku, options.throughputStock);
          let throughput = await measure(tSku, connections, options.throughputSeconds);
          let tChecks = contender.sells
            ? check(await contender.settle(tSku, options.throughputStock), throughput.accepted, connections, false)
            : null;
          let attempts = 1;
          while (throughput.cpu.other > options.disturbedCores && attempts <= options.repeats) {
            log(
              `  ${connections} conns: other work on the machine took ${throughput.cpu.other} cores during the run; repeating it once the machine is quiet`,
            );
            await waitQuiet(options.disturbedCores, 60);
            attempts++;
            tSku = sku(`${connections}-t${attempts}`);
            await contender.openSku(tSku, options.throughputStock);
            throughput = await measure(tSku, connections, options.throughputSeconds);
            tChecks = contender.sells
              ? check(await contender.settle(tSku, options.throughputStock), throughput.accepted, connections, false)
              : null;
          }
          throughput.attempts = attempts;
          throughput.disturbed = throughput.cpu.other > options.disturbedCores;
          log(
            `  ${String(connections).padStart(4)} conns: ${fmt(contender.sells ? throughput.acceptedPerS : throughput.requestsPerS)}/s ` +
              `p50 ${throughput.latencyMs.p50} p99 ${throughput.latencyMs.p99} ms, errors ${throughput.errors}` +
              (tChecks ? `, checks ${tChecks.ok ? "ok" : tChecks.problems.join("; ")}` : ""),
          );
          const level: LevelResult = {
            contender: contender.id,
            connections,
            throughput: { ...throughput, checks: tChecks },
            sellOut: null,
            soldOutPath: null,
          };
          results.levels.push(level);
          if (!contender.sells) continue;

          const sSku = sku(`${connections}-s`);
          const stock = Math.round(
            Math.min(options.sellOutStock.max, Math.max(options.sellOutStock.min, throughput.acceptedPerS * options.sellOutTargetSeconds)),
          );
          await contender.openSku(sSku, stock);
          const threads = Math.min(options.threads, connections);
          const sellOut = await measure(sSku, connections, Math.max(15, options.sellOutTargetSeconds * 6), {
            retryEvery: options.retryEvery,
            stopAfterSoldOut: Math.max(5, Math.ceil(connections / threads)),
          });
          const sChecks = check(await contender.settle(sSku, stock), sellOut.accepted, connections, true);
          level.sellOut = { ...sellOut, checks: sChecks };

          // Shoppers who have not bought this SKU yet, so refusals are sold_out, not limit_exceeded:
          // past the sell-out's, and when the pool wraps the walk comes back to this first one.
          const soldOutPath = await measure(sSku, connections, options.soldOutSeconds, {
            firstShopper: sellOut.requests - sellOut.retries + 2 * connections + 1_000,
          });
          const pChecks = check(await contender.settle(sSku, stock), sellOut.accepted + soldOutPath.accepted, connections, true);
          if (soldOutPath.accepted > 0) pChecks.problems.push(`${soldOutPath.accepted} checkouts accepted after sold_out answers`);
          pChecks.ok = pChecks.problems.length === 0;
          level.soldOutPath = { ...soldOutPath, checks: pChecks };
          log(
            `       sell-out of ${stock}: sold ${sChecks.unitsInPostgres}, oversold ${pChecks.oversold}, lost ${Math.max(sChecks.lost, pChecks.lost)}, ` +
              `duplicates ${pChecks.duplicates}; sold-out path ${fmt(soldOutPath.requestsPerS)} req/s p99 ${soldOutPath.latencyMs.p99} ms` +
              (sChecks.ok && pChecks.ok ? "" : ` — PROBLEMS: ${[...sChecks.problems, ...pChecks.problems].join("; ")}`),
          );
        }

        if (options.routeBreakdown && contender.id === "storefront") {
          const connections = options.levels[0]!;
          const rSku = sku("routes");
          await contender.openSku(rSku, options.throughputStock);
          for (const [route, what] of [
            ["POST:/api/session", "Worker only: hono, verify the signed session cookie"],
            [`GET:/api/skus/${rSku}`, "Worker + SKU object RPC, a read (no storage write)"],
          ] as const) {
            const m = await measure(rSku, connections, options.routeSeconds, { route });
            results.routes.push({ contender: contender.id, route: route.replace(rSku, ":sku"), what, measure: m });
            log(`  route ${route.replace(rSku, ":sku")}: ${fmt(m.requestsPerS)} req/s p99 ${m.latencyMs.p99} ms`);
          }
        }

        // Last, as it restarts the service with a profiler attached.
        if (options.profileSeconds > 0 && contender.profile) {
          const connections = options.levels[0]!;
          let checkoutsPerS = 0;
          const profile = await contender.profile(sku("profile"), options.throughputStock, async (profiledUrl) => {
            url = profiledUrl;
            checkoutsPerS = (await measure(sku("profile"), connections, options.profileSeconds)).acceptedPerS;
          });
          results.profile = { ...profile, connections, checkoutsPerS };
          const top = profile.by.slice(0, 4).map((p) => `${p.where} ${Math.round(p.share * 100)}%`);
          log(`  CPU profile at ${connections} conns (${fmt(checkoutsPerS)} checkouts/s under the profiler): ${top.join(", ")}`);
        }
      } finally {
        await contender.stop();
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return results;
}

/** Waits (up to `maxS`) until the machine, with the benchmark idle, keeps at most `cores` busy. */
async function waitQuiet(cores: number, maxS: number): Promise<void> {
  const deadline = Date.now() + maxS * 1000;
  while ((await machineLoad(2)) > cores && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 3_000));
}

function toMeasure(raw: WrkResult, sku: string, connections: number, cpu: CpuSplit): RunMeasure {
  const durationS = raw.durationUs / 1e6;
  const created = raw.statuses["201"] ?? 0;
  const accepted = created - raw.replayed;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const answeredOk = Object.entries(raw.statuses)
    .filter(([status]) => status === "201" || status === "200" || status === "409")
    .reduce((sum, [, n]) => sum + n, 0);
  const { connect, read, write, timeout } = raw.errors;
  return {
    sku,
    connections,
    durationS: Math.round(durationS * 100) / 100,
    requests: raw.requests,
    requestsPerS: Math.round(raw.requests / durationS),
    accepted,
    acceptedPerS: Math.round(accepted / durationS),
    replayed: raw.replayed,
    retries: raw.retries,
    latencyMs: {
      mean: ms(raw.latencyUs.mean),
      p50: ms(raw.latencyUs.p50),
      p90: ms(raw.latencyUs.p90),
      p95: ms(raw.latencyUs.p95),
      p99: ms(raw.latencyUs.p99),
      max: ms(raw.latencyUs.max),
    },
    statuses: raw.statuses,
    codes: raw.codes,
    socketErrors: { connect, read, write, timeout },
    errors: raw.requests - answeredOk + connect + read + write + timeout,
    cpu,
  };
}

function check(books: SkuBooks, acknowledged: number, connections: number, sellsOut: boolean): Checks {
  const problems: string[] = [];
  const unacknowledged = books.taken - acknowledged;
  const lost = Math.max(0, books.taken - books.ordersInPostgres, acknowledged - books.ordersInPostgres);
  if (books.oversold > 0) problems.push(`oversold ${books.oversold}`);
  if (lost > 0) problems.push(`lost ${lost} (taken ${books.taken}, acknowledged ${acknowledged}, in Postgres ${books.ordersInPostgres})`);
  if (books.duplicates > 0) problems.push(`duplicates ${books.duplicates}`);
  if (books.pendingWrites > 0)
    problems.push(`${books.pendingWrites} writes still pending (outbox entries, or checkouts in flight) when the harness stopped waiting`);
  if (books.unitsInPostgres !== books.ordersInPostgres)
    problems.push(`units ${books.unitsInPostgres} ≠ orders ${books.ordersInPostgres} at qty 1`);
  if (unacknowledged < 0 || unacknowledged > connections) {
    problems.push(
      `${unacknowledged} units taken without an acknowledgement (expected 0..${connections}, the requests in flight at the cutoff)`,
    );
  }
  let soldOut: boolean | null = null;
  if (sellsOut) {
    soldOut = books.remaining === 0 && books.unitsInPostgres === books.stock;
    if (!soldOut) {
      problems.push(
        `answered sold_out while units were left: ${books.unitsInPostgres} of ${books.stock} sold when every wrk thread had seen sold_out, ${books.remaining} still in stock`,
      );
    }
  }
  return { ...books, acknowledged, unacknowledged, lost, soldOut, ok: problems.length === 0, problems };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
