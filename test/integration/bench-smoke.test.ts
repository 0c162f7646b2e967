import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { type AbuseOptions, type AbuseResults, renderAbuseMarkdown, runAbuse } from "../../bench/abuse.ts";
import type { BenchOptions } from "../../bench/harness.ts";
import type { BenchResults } from "../../bench/report.ts";
import { ALL_CONTENDERS, benchmark, writeResults, type BenchSetup } from "../../bench/run.ts";
import { buildProductionBundle } from "../../scripts/local/worker-bundle.ts";

/**
 * A smoke run of `npm run bench`'s harness (issue 7): every contender, one small level,
 * about a second of load each, on the test stack (embedded PGlite and the in-process Redis
 * stand-in by default; real servers when DATABASE_URL / REDIS_URL are set). It proves the
 * harness drives each contender, writes well-formed results and that the correctness
 * checks hold. No timing is asserted: numbers from a smoke run mean nothing.
 */
const SMOKE: BenchOptions = {
  levels: [8],
  throughputSeconds: 1,
  soldOutSeconds: 1,
  warmupSeconds: 0,
  sellOutTargetSeconds: 0.5,
  sellOutStock: { min: 20, max: 60 },
  throughputStock: 100_000,
  sessionPool: 5_000,
  threads: 1,
  retryEvery: 5,
  routeBreakdown: true,
  routeSeconds: 1,
  profileSeconds: 1,
  // A smoke run never repeats: the machine running the tests is busy by design.
  disturbedCores: Number.POSITIVE_INFINITY,
  repeats: 0,
};

/** The production bundle, built once for both smoke runs. */
let bundle: Promise<string> | undefined;
const productionBundle = () => (bundle ??= buildProductionBundle());

describe("benchmark harness (smoke)", () => {
  const out = mkdtempSync(join(tmpdir(), "bench-smoke-"));
  let results: BenchResults;

  beforeAll(async () => {
    const stack = inject("stackVars");
    const setup: BenchSetup = {
      databaseUrl: stack.DATABASE_URL,
      redisUrl: inject("redisBackendUrl") || null,
      stack,
      bundlePath: await productionBundle(),
      secrets: { SESSION_SECRET: `smoke-${crypto.randomUUID()}`, ADMIN_TOKEN: `smoke-admin-${crypto.randomUUID()}` },
      // The embedded PGlite serves one session at a time (see BenchSetup.baselinePoolMax).
      baselinePoolMax: process.env.DATABASE_URL ? undefined : 1,
    };
    results = await benchmark(
      setup,
      SMOKE,
      ALL_CONTENDERS,
      { postgres: "test stack", redis: "test stack", storefront: "work tree" },
      () => undefined,
    );
    await writeResults(results, out);
  }, 600_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("measures every contender at the level, with latency percentiles in order", () => {
    expect(results.run.levels.map((l) => l.contender)).toEqual(ALL_CONTENDERS);
    for (const level of results.run.levels) {
      const t = level.throughput;
      expect(level.connections).toBe(8);
      expect(t.requests).toBeGreaterThan(0);
      expect(t.errors).toBe(0);
      expect(t.latencyMs.p50).toBeLessThanOrEqual(t.latencyMs.p95);
      expect(t.latencyMs.p95).toBeLessThanOrEqual(t.latencyMs.p99);
      expect(typeof t.cpu.machine).toBe("number");
    }
    expect(results.run.levels[0]!.throughput.statuses["201"]).toBe(results.run.levels[0]!.throughput.requests);
    expect(results.run.routes.map((r) => r.route)).toEqual(["POST:/api/session", "GET:/api/skus/:sku"]);
    // The storefront's CPU profile, summed by original source through the bundle's source map.
    expect(results.run.profile!.checkoutsPerS).toBeGreaterThan(0);
    expect(results.run.profile!.by.some((entry) => entry.where.startsWith("durable-objects/") || entry.where.startsWith("workers/"))).toBe(
      true,
    );
  });

  it("holds the checks for every contender that sells: sold out exactly, nothing oversold, lost or duplicated", () => {
    const selling = results.run.levels.filter((l) => l.contender !== "fixed-json");
    expect(selling).toHaveLength(ALL_CONTENDERS.length - 1);
    for (const level of selling) {
      const { throughput, sellOut, soldOutPath } = level;
      const who = `${level.contender}: ${JSON.stringify({ throughput: throughput.checks, sellOut: sellOut?.checks, soldOutPath: soldOutPath?.checks })}`;
      expect(throughput.accepted, who).toBeGreaterThan(0);
      expect(throughput.checks, who).toMatchObject({ oversold: 0, lost: 0, duplicates: 0, pendingWrites: 0 });
      // Orders in Postgres = checkouts accepted (counting those in flight at wrk's cutoff).
      expect(throughput.checks!.ordersInPostgres, who).toBe(throughput.checks!.taken);
      expect(throughput.checks!.ordersInPostgres, who).toBeGreaterThanOrEqual(throughput.accepted);
      // Once the sold-out path has run, every unit is sold, exactly once.
      expect(soldOutPath!.checks, who).toMatchObject({ soldOut: true, oversold: 0, lost: 0, duplicates: 0 });
      expect(soldOutPath!.checks.unitsInPostgres, who).toBe(sellOut!.checks.stock);
      expect(sellOut!.retries).toBeGreaterThan(0);
      // Refusals there are sold_out, from shoppers who have not bought this SKU (the path's
      // walk of the cookie pool wraps back to its own first shopper, never to the sell-out's
      // buyers, whose answer would be limit_exceeded); nothing more is sold.
      expect(soldOutPath!.codes, `${who} ${JSON.stringify(soldOutPath!.codes)}`).toEqual({
        sold_out: soldOutPath!.requests - soldOutPath!.accepted,
      });
    }
    const store = selling.find((l) => l.contender === "storefront")!;
    expect(store.soldOutPath!.codes.sold_out).toBe(store.soldOutPath!.requests);
    expect(store.throughput.checks!.ok).toBe(true);
    expect(store.sellOut!.checks.ok).toBe(true);
    expect(store.soldOutPath!.checks.ok).toBe(true);
  });

  it("writes latest.json, a markdown table and an SVG chart", () => {
    const json = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as BenchResults;
    expect(json.run.levels).toHaveLength(ALL_CONTENDERS.length);
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.targets.map((t) => t.name)).toHaveLength(5);
    const markdown = readFileSync(join(out, "latest.md"), "utf8");
    expect(markdown).toContain("| contender | conns | checkouts/s |");
    for (const { label } of json.run.contenders) expect(markdown).toContain(`| ${label} | 8 |`);
    const svg = readFileSync(join(out, "chart.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("p99 latency");
  });
});

/**
 * A smoke run of `npm run bench:abuse` (bench/abuse.ts, issue 12): a few paced shoppers beside
 * one abusive client for about a second, with the rate limits off and on. Only the shape and
 * what the limits decide are asserted, never a speed.
 */
const ABUSE_SMOKE: AbuseOptions = {
  seconds: 1,
  shoppers: 8,
  thinkMs: 50,
  cancelEvery: 2,
  abuserConnections: 8,
  abuserThreads: 1,
  abuserSessions: 2,
  abuserSessionEvery: 5,
  rampSeconds: 0.5,
  warmupSeconds: 0,
  baseline: false,
  stock: 100_000,
  // Low, so that the abuser passes them within the second whatever the machine's speed, and
  // still far above what a paced shopper does in it (about 6 purchases: 12 writes, 6 sessions).
  rateLimits: {
    RATE_LIMIT_SESSION_PER_ADDRESS: "30/60s",
    RATE_LIMIT_WRITES_PER_SHOPPER: "10/10s",
    RATE_LIMIT_WRITES_PER_ADDRESS: "30/10s",
    RATE_LIMIT_EVENTS_PER_SHOPPER: "off",
  },
};

describe("abusive client beside normal shoppers (smoke)", () => {
  let results: AbuseResults;
  let db: pg.Pool;

  beforeAll(async () => {
    const stack = inject("stackVars");
    db = new pg.Pool({ connectionString: stack.DATABASE_URL, max: 1 });
    results = await runAbuse(
      {
        bundlePath: await productionBundle(),
        stack,
        secrets: { SESSION_SECRET: `smoke-${crypto.randomUUID()}`, ADMIN_TOKEN: `smoke-admin-${crypto.randomUUID()}` },
        db,
        storefront: "work tree",
      },
      ABUSE_SMOKE,
      () => undefined,
    );
  }, 120_000);

  afterAll(() => db?.end());

  it("runs with the rate limits off and on, counting what the normal shoppers were served", () => {
    expect(results.runs.map((run) => run.name)).toEqual(["off", "on"]);
    for (const { shoppers, books } of results.runs) {
      expect(shoppers.requests).toBeGreaterThan(0);
      expect(shoppers.served).toBeGreaterThan(0);
      expect(shoppers.served + shoppers.failed).toBe(shoppers.requests);
      expect(shoppers.successRate).toBe(Math.round((shoppers.served / shoppers.requests) * 10_000) / 10_000);
      expect(shoppers.steps.session.requests).toBeGreaterThan(0);
      expect(shoppers.steps.checkout.requests).toBeGreaterThan(0);
      expect(shoppers.latencyMs.p50).toBeLessThanOrEqual(shoppers.latencyMs.p99);
      // Paced people, each from an address of their own: no limit is meant for them.
      expect(shoppers.statuses["429"]).toBeUndefined();
      expect(books).toMatchObject({ oversold: 0, duplicates: 0 });
    }
  });

  it("refuses the abuser with 429 when the limits are on, and never when they are off", () => {
    const [off, on] = results.runs;
    expect(off!.abuser!.requests).toBeGreaterThan(0);
    expect(off!.abuser!.rateLimited).toBe(0);
    expect(off!.abuser!.reachedObject).toBeGreaterThan(0);
    expect(on!.abuser!.rateLimited).toBeGreaterThan(0);
    expect(on!.abuser!.codes.rate_limited).toBe(on!.abuser!.rateLimited);
    for (const { abuser } of results.runs) expect(abuser!.reachedObject).toBeLessThanOrEqual(abuser!.checkoutsSent);
  });

  it("renders a markdown row per run", () => {
    const markdown = renderAbuseMarkdown(results);
    expect(markdown).toContain("| rate limits | shopper requests | served |");
    expect(markdown).toContain("\n| off | ");
    expect(markdown).toContain("\n| on | ");
  });
});
